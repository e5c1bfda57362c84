//! Prints the takedown export's SQL (`db::takedowns::EXPORT_SQL`) on one line, with the
//! parameters of a full, unfiltered export of one brand as literals, so that benches/takedown.sh
//! times exactly the statement the export runs with `psql -c "\copy (…) to stdout with csv"`.
//! Usage: takedown_sql <brand_id>

fn main() {
    let brand_id: i64 = match std::env::args().nth(1).map(|a| a.parse()) {
        Some(Ok(id)) => id,
        _ => {
            eprintln!("usage: takedown_sql <brand_id>");
            std::process::exit(2);
        }
    };
    let brand_id = format!("{brand_id}::int8");
    // $1 brand, $2 marketplace, $3 statuses, $4 minimum reporters, $5 reported after,
    // $6 reported before, $7 since-snapshot, $8 frozen snapshot, $9 after listing, $10 limit:
    // a full export.
    let params: [(&str, &str); 10] = [
        ("$10", "null::int8"),
        ("$9", "null::int8"),
        ("$8", "null::text"),
        ("$7", "null::text"),
        ("$6", "null::timestamptz"),
        ("$5", "null::timestamptz"),
        ("$4", "null::int8"),
        ("$3", "null::text[]"),
        ("$2", "null::text"),
        ("$1", &brand_id),
    ];
    // From $10 down, so that `$1` never eats the start of `$10`.
    let mut sql = fakewatch::db::takedowns::EXPORT_SQL.to_owned();
    for (placeholder, literal) in params {
        sql = sql.replace(placeholder, literal);
    }
    assert!(
        !sql.contains('$'),
        "EXPORT_SQL has a parameter this example does not know: update it"
    );
    // One line for `\copy`, so comments must go first.
    let line: Vec<&str> = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .collect();
    println!("{}", line.join(" "));
}
