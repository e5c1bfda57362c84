// `sqlx::migrate!` embeds migrations/ at compile time; without this, editing a migration does
// not rebuild the binary that embeds it (sqlx's recommended build script).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
