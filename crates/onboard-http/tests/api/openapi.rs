//! The served OpenAPI document describes exactly the router's routes.

use crate::common::Server;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_covers_every_route() {
    let server = Server::sqlite().await;
    let doc: serde_json::Value = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let routes: BTreeSet<(String, String)> = onboard_http::routes()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_lowercase(), p.to_owned()))
        .collect();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.insert((method.clone(), path.clone()));
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}: no success answer"
            );
            assert!(
                responses.contains_key("500"),
                "{method} {path}: no problem answers"
            );
            if op.get("security").is_some() {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path}: secured without 401"
                );
            }
        }
    }
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:?}"
    );
    let phantom: Vec<_> = documented.difference(&routes).collect();
    assert!(
        phantom.is_empty(),
        "documented paths the router does not serve: {phantom:?}"
    );
    server.stop().await;
}
