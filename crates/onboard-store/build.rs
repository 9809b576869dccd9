//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds each file with
//! `include_str!`, which notices edits to known files but not new ones.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
