"""Slow clients against a running server, and an ordinary client's latency meanwhile.

usage: slow_clients.py PORT SLOW_CONNECTIONS SOURCE_ADDRESSES SECONDS [--new-connections]
Slow clients connect from 127.0.0.2.. (SOURCE_ADDRESSES of them), send a request line and then
one header byte a second, and reconnect when cut off. The ordinary client asks for / with gzip
every 100 ms, on one kept-alive connection (or a new one per request).
"""
import asyncio, http.client, statistics, sys, threading, time

PORT, N, SOURCES, SECONDS = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
NEW = '--new-connections' in sys.argv
stats = {'opened': 0, 'cut': 0, 'refused_503': 0, 'open_now': 0, 'open_max': 0}
latencies, errors = [], []

async def slow(i, end):
    src = f'127.0.0.{2 + i % SOURCES}'
    while time.monotonic() < end:
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', PORT, local_addr=(src, 0))
        except OSError:
            await asyncio.sleep(0.5)
            continue
        stats['opened'] += 1
        stats['open_now'] += 1
        stats['open_max'] = max(stats['open_max'], stats['open_now'])
        try:
            writer.write(b'GET / HTTP/1.1\r\nHost: fakewatch\r\nX-Slow: ')
            await writer.drain()
            while time.monotonic() < end:
                try:
                    data = await asyncio.wait_for(reader.read(512), timeout=1.0)
                except asyncio.TimeoutError:
                    writer.write(b'a')
                    await writer.drain()
                    continue
                if data.startswith(b'HTTP/1.1 503'):
                    stats['refused_503'] += 1
                stats['cut'] += 1
                break
        except OSError:
            stats['cut'] += 1
        finally:
            stats['open_now'] -= 1
            writer.close()
        await asyncio.sleep(0.2)

def ordinary(end):
    conn = None
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            if conn is None or NEW:
                conn = http.client.HTTPConnection('127.0.0.1', PORT, timeout=30)
            conn.request('GET', '/', headers={'Accept-Encoding': 'gzip'})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                errors.append(response.status)
            latencies.append(time.monotonic() - started)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
            conn = None
        if NEW and conn is not None:
            conn.close()
        time.sleep(0.1)

async def main():
    end = time.monotonic() + SECONDS
    tasks = [asyncio.create_task(slow(i, end)) for i in range(N)]
    await asyncio.sleep(3)  # let the slow clients connect first
    thread = threading.Thread(target=ordinary, args=(end,))
    thread.start()
    await asyncio.gather(*tasks)
    thread.join()

asyncio.run(main())
lat = sorted(latencies)
def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float('nan')
print(f"slow: {stats}")
print(f"ordinary: {len(lat)} answers, errors {len(errors)} {errors[:3]}; "
      f"p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms")
