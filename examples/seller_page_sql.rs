//! Prints the seller page's SQL (`db::seller_page::PAGE_SQL`) as a pgbench script, so that
//! benches/seller_page.sh times exactly the statement the page runs.

fn main() {
    let sql = fakewatch::db::seller_page::PAGE_SQL
        .replace("$1", ":marketplace")
        .replace("$2", ":seller_key")
        .replace("$3", "21")
        .replace("$4", "0");
    // One line for pgbench, so comments must go first.
    let line: Vec<&str> = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .collect();
    println!("{};", line.join(" "));
}
