//! Per-client counters for the limits of `domain::rate_limit`, shared by every instance of the
//! service through the `rate_limit` table.

use sqlx::PgConnection;

use crate::domain::rate_limit::{Bucket, Hits};

/// Counts a request of the client whose key is `client_key` in `bucket`, and returns the
/// counts it is to be judged by: in one statement (one round trip), the current window's row
/// is created or bumped and the previous window's read. Windows follow the database's clock,
/// so that instances whose clocks differ agree on them. The previous window's row is read
/// from the statement's snapshot, which the bump of the current window's row cannot change.
#[tracing::instrument(skip_all, fields(bucket = bucket.as_str()))]
pub async fn hit(conn: &mut PgConnection, bucket: Bucket, client_key: &[u8]) -> sqlx::Result<Hits> {
    let row = sqlx::query!(
        r#"with clock as (
             select extract(epoch from now())::float8 as now
         ), win as (
             select to_timestamp(floor(now / $3) * $3) as window_start,
                    now - floor(now / $3) * $3 as elapsed
             from clock
         ), bump as (
             insert into rate_limit as r (bucket, client_key, window_start, expires_at, hits)
             select $1, $2, window_start, window_start + make_interval(secs => 2 * $3), 1
             from win
             on conflict on constraint rate_limit_pkey do update set hits = r.hits + 1
             returning hits
         )
         select (select hits from bump)::int8 as "current!",
                coalesce((select r.hits from rate_limit r, win
                          where r.bucket = $1 and r.client_key = $2
                            and r.window_start = win.window_start - make_interval(secs => $3)),
                         0)::int8 as "previous!",
                (select elapsed from win) as "elapsed!""#,
        bucket.as_str(),
        client_key,
        f64::from(bucket.window_secs()),
    )
    .fetch_one(conn)
    .await?;
    Ok(Hits {
        current: row.current,
        previous: row.previous,
        elapsed: row.elapsed,
    })
}

/// Takes back one hit of the current window (a sign-in that succeeded, counted before it was
/// checked); a counter that would fall to zero goes.
#[tracing::instrument(skip_all, fields(bucket = bucket.as_str()))]
pub async fn refund(
    conn: &mut PgConnection,
    bucket: Bucket,
    client_key: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "with win as (
             select to_timestamp(floor(extract(epoch from now())::float8 / $3) * $3)
                        as window_start
         ), lowered as (
             update rate_limit r set hits = r.hits - 1
             from win
             where r.bucket = $1 and r.client_key = $2 and r.window_start = win.window_start
               and r.hits > 1
             returning 1
         )
         delete from rate_limit r using win
         where r.bucket = $1 and r.client_key = $2 and r.window_start = win.window_start
           and r.hits = 1 and not exists (select 1 from lowered)",
        bucket.as_str(),
        client_key,
        f64::from(bucket.window_secs()),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes up to `limit` counters of windows nothing reads any more (those before the
/// previous window); returns how many. The server runs it every few minutes until a batch
/// comes back short; `fakewatch purge` may run it too.
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn delete_expired(conn: &mut PgConnection, limit: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from rate_limit where (bucket, client_key, window_start) in (
             select bucket, client_key, window_start from rate_limit
             where expires_at < now()
             order by expires_at limit $1
         )",
        limit,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
