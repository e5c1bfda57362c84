//! Reading the log lines a test's app writes: [`capture_logs`].

/// Everything logged on this thread while the guard lives, at every level down to debug: the
/// test's own events, and its app's (`#[tokio::test]` runs the app's tasks on the test's
/// thread).
///
/// One global subscriber writes each thread's events to that thread's capture, if any. Not
/// `tracing::subscriber::set_default`: with a single scoped subscriber alive, tracing caches
/// whether a call site is wanted by asking the thread that reaches it first, so events that
/// another test's thread reached first were lost to the capture (seen with tests in parallel).
pub fn capture_logs() -> (CapturedLogs, CaptureGuard) {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // A dynamic filter: `filter_fn` would ask once per call site, on whichever thread
        // reaches it first, and cache the answer.
        let capturing = tracing_subscriber::filter::dynamic_filter_fn(|_, _| {
            CAPTURE.with(|capture| capture.borrow().is_some())
        })
        .with_max_level_hint(tracing::level_filters::LevelFilter::DEBUG);
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(|| ThreadCapture)
            .with_ansi(false)
            .with_filter(tracing::level_filters::LevelFilter::DEBUG)
            .with_filter(capturing);
        let _ = tracing_subscriber::registry().with(layer).try_init();
    });
    let logs = CapturedLogs::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(logs.clone()));
    (logs, CaptureGuard(()))
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<CapturedLogs>> = const { std::cell::RefCell::new(None) };
}

/// Ends this thread's capture when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Log lines kept in memory, for tests to read.
#[derive(Clone, Default)]
pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Writes to the current thread's capture.
struct ThreadCapture;

impl std::io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(logs) = capture.borrow().as_ref()
                && let Ok(mut bytes) = logs.0.lock()
            {
                bytes.extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
