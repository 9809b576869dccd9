//! Conformance: templates.

use super::*;
use onboard_core::id::UserId;

/// A new template of `step` with `title_th`, its file `name` with `bytes`, added by `by`.
pub async fn new_template(
    store: &Arc<dyn Store>,
    by: Option<&User>,
    step: Step,
    title_th: &str,
    name: &str,
    bytes: &[u8],
) -> onboard_store::Template {
    let facts = FileFacts::inspect(bytes).expect("a recognized file type");
    store
        .create_template(
            onboard_store::NewTemplate {
                title_th: title_th.into(),
                title_en: format!("{title_th} (en)"),
                step,
                uploaded_by: by.map(|u| u.id),
                uploaded_at: now(),
            },
            NewFile {
                name: name.into(),
                media_type: facts.media_type,
                dimensions: facts.dimensions,
                uploaded_by: by.map_or(UserId::from_u128(0), |u| u.id),
                agency_id: None,
                uploaded_at: now(),
            },
            bytes,
        )
        .await
        .unwrap()
}

/// Templates are stored with their file, listed by step (its number, not its slug) then
/// Thai title, read one by one, and deleted (`NotFound` for an unknown or deleted one).
pub async fn templates_are_created_listed_and_deleted(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    assert_eq!(store.templates().await.unwrap(), Vec::new());
    // Added out of order: `preprod-setup` (5) sorts before `uat-test` (3) by slug.
    let guide = new_template(
        &store,
        Some(&w.admin),
        Step::PreprodSetup,
        "Template Icon งานบริการและภาพหน้าจอตัวอย่าง",
        "guide.png",
        &png(800, 600, [1, 0, 0]),
    )
    .await;
    let uat_b = new_template(
        &store,
        Some(&w.admin),
        Step::UatTest,
        "ข แบบทดสอบ",
        "uat-b.xlsx",
        &xlsx(),
    )
    .await;
    let uat_a = new_template(
        &store,
        None,
        Step::UatTest,
        "ก Minimum Testcase",
        "Minimum Testcase (UAT).xlsx",
        &xlsx(),
    )
    .await;
    let launch = new_template(
        &store,
        Some(&w.admin),
        Step::Launch,
        "ก",
        "l.pdf",
        &pdf("onboard"),
    )
    .await;

    assert_eq!(uat_a.step, Step::UatTest);
    assert_eq!(uat_a.title_en, "ก Minimum Testcase (en)");
    assert_eq!(uat_a.uploaded_by, None);
    assert_eq!(guide.uploaded_by, Some(w.admin.id));
    assert_eq!(uat_a.uploaded_at, now());
    assert_eq!(uat_a.file.name, "Minimum Testcase (UAT).xlsx");
    assert_eq!(uat_a.file.media_type, MediaType::Xlsx);
    assert_eq!(uat_a.file.agency_id, None);
    assert_eq!(guide.file.dimensions, Some((800, 600)));
    // The two workbooks share their content, stored once.
    assert_eq!(uat_a.file.sha256, uat_b.file.sha256);
    assert_ne!(uat_a.file.id, uat_b.file.id);

    let listed = store.templates().await.unwrap();
    assert_eq!(
        listed,
        vec![uat_a.clone(), uat_b.clone(), guide.clone(), launch.clone()]
    );
    assert_eq!(store.template(guide.id).await.unwrap(), Some(guide.clone()));
    assert_eq!(store.template(Uuid::now_v7().into()).await.unwrap(), None);
    assert_eq!(
        store.file_content(guide.file.id).await.unwrap(),
        Some(png(800, 600, [1, 0, 0]))
    );
    assert_eq!(
        store.file(uat_a.file.id).await.unwrap(),
        Some(uat_a.file.clone())
    );

    store.delete_template(uat_b.id).await.unwrap();
    assert_eq!(err_code(store.delete_template(uat_b.id).await), "not_found");
    assert_eq!(
        err_code(store.delete_template(Uuid::now_v7().into()).await),
        "not_found"
    );
    assert_eq!(store.template(uat_b.id).await.unwrap(), None);
    assert_eq!(
        store.templates().await.unwrap(),
        vec![uat_a.clone(), guide, launch]
    );
    // The file of a deleted template stays (its content may be another's too).
    assert_eq!(
        store.file_content(uat_b.file.id).await.unwrap(),
        Some(xlsx())
    );
    assert_eq!(
        store.file_content(uat_a.file.id).await.unwrap(),
        Some(xlsx())
    );
}

/// A template's file is a file like an upload: identical content is stored once, and a
/// title with Thai, quotes and a long length comes back exactly.
pub async fn template_files_share_content_with_uploads(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let bytes = pdf("onboard");
    let uploaded = upload(&store, &w.officer, "ผล.pdf", &bytes).await;
    let title = format!("คู่มือ \"ทดสอบ\" {}", "ก".repeat(180));
    let template = new_template(
        &store,
        Some(&w.admin),
        Step::Credential,
        &title,
        "คู่มือ.pdf",
        &bytes,
    )
    .await;
    assert_eq!(template.file.sha256, uploaded.sha256);
    assert_eq!(template.title_th, title);
    let read = store.template(template.id).await.unwrap().unwrap();
    assert_eq!(read, template);
    assert_eq!(
        store.file_content(template.file.id).await.unwrap(),
        Some(bytes)
    );
}
