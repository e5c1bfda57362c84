//! Limits on what one client (an IPv4 address or an IPv6 /64) may do in a while: how many
//! reports it may file an hour and how many searches it may make a minute.
//!
//! **Sliding windows, estimated from two fixed ones.** The count is kept per fixed window (an
//! hour starting on the hour, a minute starting on the minute), and a request is judged by the
//! current window's count plus the previous window's, weighted by how much of the previous
//! window still lies within the last hour (or minute). Plain fixed windows would let a client
//! spend its limit twice around a boundary — 30 reports at 10:59 and 30 more at 11:00, sixty
//! in two minutes, a crowd of "distinct" reporters in no time; a log of every request would be
//! exact but cost a row per request. The weighted pair costs one counter row per client and
//! window, read and bumped by a single statement, and assumes the previous window's requests
//! were spread evenly (Cloudflare's approximation).
//!
//! Every attempt counts, refused ones too: a script that ignores `429` stays refused, while a
//! person who waits for the time given in `Retry-After` gets through.

use std::fmt;

/// What a limit counts. The name, the variant's in kebab case, is stored with each counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum Bucket {
    /// Filing attempts (the form and the API), per hour.
    Reports,
    /// Seller searches and URL lookups (pages and API), per minute.
    Searches,
    /// Failed moderator sign-ins to one account, per quarter hour: slows guessing one
    /// moderator's password from many networks.
    LoginAccount,
    /// Failed moderator sign-ins from one client, per quarter hour: slows trying many
    /// accounts from one network.
    LoginClient,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The length of the bucket's window, in seconds.
    pub fn window_secs(self) -> u32 {
        match self {
            Bucket::Reports => 3600,
            Bucket::Searches => 60,
            Bucket::LoginAccount | Bucket::LoginClient => 900,
        }
    }
}

/// The counters of one client's bucket, after this request's hit was counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hits {
    /// Requests in the current fixed window, this one included.
    pub current: i64,
    /// Requests in the fixed window before it.
    pub previous: i64,
    /// Seconds since the current window began, in `0 .. window`.
    pub elapsed: f64,
}

/// The answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Past the limit: the first moment another request would be allowed, in whole seconds
    /// from now (at least 1), if nothing else comes from this client meanwhile.
    Refused {
        retry_after: u64,
    },
}

/// Judges a request against `limit` requests per `bucket` window (0: no limit).
pub fn judge(bucket: Bucket, limit: u32, hits: Hits) -> Verdict {
    if limit == 0 {
        return Verdict::Allowed;
    }
    let window = f64::from(bucket.window_secs());
    let limit = f64::from(limit);
    let elapsed = hits.elapsed.clamp(0.0, window);
    let (current, previous) = (hits.current.max(0) as f64, hits.previous.max(0) as f64);
    if current + previous * (window - elapsed) / window <= limit {
        return Verdict::Allowed;
    }
    // The next attempt counts too: allowed at a moment t seconds into a window when
    // its count + 1 + (the window before's count) × (window − t) / window ≤ limit.
    let wait = if limit - current - 1.0 >= 0.0 && previous > 0.0 {
        // Later in this window, once enough of the previous one has slid out.
        let t = window - window * (limit - current - 1.0) / previous;
        t.max(elapsed) - elapsed
    } else {
        // In the next window, where this window's count is the previous one.
        let t = if current > 0.0 {
            (window - window * (limit - 1.0) / current).max(0.0)
        } else {
            0.0
        };
        window - elapsed + t
    };
    Verdict::Refused {
        retry_after: (wait.ceil() as u64).max(1),
    }
}

/// A request refused by a limit, with what the person can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub bucket: Bucket,
    pub limit: u32,
    /// Seconds until another request would be allowed.
    pub retry_after: u64,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wait = human_wait(self.retry_after);
        match self.bucket {
            Bucket::Reports => write!(
                f,
                "You have filed {} reports in the last hour from this network, the most we \
                 accept. Nothing was saved; please try again in {wait}.",
                self.limit
            ),
            Bucket::Searches => write!(
                f,
                "You have made {} searches in the last minute from this network, the most we \
                 accept. Please try again in {wait}.",
                self.limit
            ),
            // Never says whether the account exists: both buckets read the same.
            Bucket::LoginAccount | Bucket::LoginClient => write!(
                f,
                "Too many failed sign-ins. Please wait {wait} before trying again."
            ),
        }
    }
}

/// "45 seconds", "1 minute", "12 minutes": rounded up, so that waiting that long is enough.
pub fn human_wait(secs: u64) -> String {
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if secs < 60 {
        plural(secs.max(1), "second")
    } else {
        plural(secs.div_ceil(60), "minute")
    }
}

#[cfg(test)]
mod tests;
