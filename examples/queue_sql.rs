//! Prints the SQL of the moderation queue's first page (`db::moderation_queue::page_sql`),
//! unfiltered or filtered by the flag given as the argument (`burst`, `network`,
//! `near_identical`, `contradiction`), with its two limits filled in, for `psql` to EXPLAIN:
//!
//! ```sh
//! cargo run --example queue_sql -- burst | sed 's/^/explain (analyze, buffers) /' | psql fakewatch_demo
//! ```

use fakewatch::db::moderation_queue::{FLAG_SCAN, PER_PAGE, QueueFilter, page_sql};
use fakewatch::domain::moderation::flags::Flag;

fn main() {
    let flag = std::env::args().nth(1).map(|name| {
        name.parse::<Flag>()
            .unwrap_or_else(|_| panic!("{name:?} is not a flag"))
    });
    let scan = if flag.is_some() {
        FLAG_SCAN
    } else {
        PER_PAGE + 1
    };
    let filter = QueueFilter {
        flag,
        ..QueueFilter::default()
    };
    // Without a marketplace, brand or position, the only parameters are the two limits.
    let sql = page_sql(&filter)
        .replace("$1", &scan.to_string())
        .replace("$2", &(PER_PAGE + 1).to_string());
    let line: Vec<&str> = sql
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    println!("{};", line.join(" "));
}
