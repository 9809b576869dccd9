//! The seven-step walk over HTTP, on SQLite and (when configured) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::files::{crc32, pdf, png, xlsx};
use common::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_step_walk_on_sqlite() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    common::walk::seven_steps(&server, &seed).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_step_walk_on_postgres() {
    let Some(server) = Server::postgres("seven_step_walk_on_postgres").await else {
        return;
    };
    let seed = server.seed().await;
    common::walk::seven_steps(&server, &seed).await;
    server.stop().await;
}

#[test]
fn generated_files_sniff_as_intended() {
    use onboard_core::file::{image_dimensions, sniff, MediaType};
    let p = png(120, 120, [200, 30, 30]);
    assert_eq!(sniff(&p), Some(MediaType::Png));
    assert_eq!(image_dimensions(&p), Some((120, 120)));
    assert_eq!(sniff(&xlsx()), Some(MediaType::Xlsx));
    assert_eq!(sniff(&pdf("hello")), Some(MediaType::Pdf));
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}
