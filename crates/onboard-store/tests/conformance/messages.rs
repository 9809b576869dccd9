//! Conformance: notifications, e-mails, files and backup.

use super::*;
use onboard_core::id::MessageId;

/// One notification per recipient, newest first; only the recipient may mark it read.
pub async fn notifications_per_recipient(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบแจ้งเตือน").await;
    for u in w.users() {
        assert!(store.notifications(u.id, 10).await.unwrap().is_empty());
    }
    w.forward(&files, svc.id(), 1, &ctx()).await;
    let later = ctx_at(now() + Duration::minutes(5));
    w.forward(&files, svc.id(), 1, &later).await;

    let to_reviewer = store.notifications(w.reviewer.id, 10).await.unwrap();
    let to_admin = store.notifications(w.admin.id, 10).await.unwrap();
    assert_eq!(to_reviewer.len(), 1);
    assert_eq!(to_admin.len(), 1);
    assert_ne!(to_reviewer[0].id, to_admin[0].id, "one row per recipient");
    assert_eq!(to_reviewer[0].recipient, w.reviewer.id);
    assert_eq!(to_reviewer[0].title_en, to_admin[0].title_en);
    let to_officer = store.notifications(w.officer.id, 10).await.unwrap();
    let kinds: Vec<NoticeKind> = to_officer.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NoticeKind::CredentialsIssued, NoticeKind::Approved]);
    assert!(to_officer
        .iter()
        .all(|n| n.at == later.now && n.eservice_id == Some(svc.id())));
    assert_eq!(
        store.notifications(w.colleague.id, 10).await.unwrap().len(),
        2
    );
    assert_eq!(
        store.notifications(w.officer.id, 1).await.unwrap(),
        to_officer[..1].to_vec()
    );
    assert!(store
        .notifications(w.outsider.id, 10)
        .await
        .unwrap()
        .is_empty());

    // Each notification has its e-mail to the recipient's address.
    let mails = store.outbox(None, 1000).await.unwrap();
    let about: Vec<_> = mails
        .iter()
        .filter(|m| m.kind != NoticeKind::AccountCreated)
        .collect();
    assert_eq!(about.len(), 6);
    assert_eq!(
        about.iter().filter(|m| m.to == w.colleague.email).count(),
        2
    );
    let approved = about
        .iter()
        .find(|m| m.to == w.officer.email && m.kind == NoticeKind::Approved)
        .unwrap();
    let note = to_officer
        .iter()
        .find(|n| n.kind == NoticeKind::Approved)
        .unwrap();
    assert_eq!(
        approved.subject,
        format!("{} / {}", note.title_th, note.title_en)
    );
    // The e-mail is the notification's texts as a letter to the recipient, linking to the
    // e-Service's page of the configured portal.
    let letter = Notice {
        audience: Audience::User(w.officer.id),
        kind: note.kind,
        title_th: note.title_th.clone(),
        title_en: note.title_en.clone(),
        body_th: note.body_th.clone(),
        body_en: note.body_en.clone(),
        link: mail().eservice_url(svc.id()),
        signature: mail().signature().to_owned(),
        secret: None,
    };
    assert_eq!(approved.body, letter.email_body(&w.officer.display_name));
    assert_eq!(
        (
            approved.recipient,
            approved.eservice_id,
            approved.secret.as_deref()
        ),
        (Some(w.officer.id), Some(svc.id()), None)
    );

    // Marking read.
    let read_at = now() + Duration::hours(1);
    store
        .mark_notification_read(w.reviewer.id, to_reviewer[0].id, read_at)
        .await
        .unwrap();
    store
        .mark_notification_read(
            w.reviewer.id,
            to_reviewer[0].id,
            read_at + Duration::hours(1),
        )
        .await
        .unwrap();
    let again = store.notifications(w.reviewer.id, 10).await.unwrap();
    assert_eq!(again[0].read_at, Some(read_at), "the first reading counts");
    let r = store
        .mark_notification_read(w.reviewer.id, to_admin[0].id, read_at)
        .await;
    assert_eq!(err_code(r), "not_found");
    let r = store
        .mark_notification_read(w.reviewer.id, Uuid::now_v7().into(), read_at)
        .await;
    assert_eq!(err_code(r), "not_found");
    assert_eq!(
        store.notifications(w.admin.id, 10).await.unwrap()[0].read_at,
        None
    );
}

/// E-mails read like letters: the recipient greeted by display name, a link to the
/// e-Service's page of the configured portal, the closing and the signature; staff read the
/// agency's name. The row names the account and the e-Service. Names with `%` (which a
/// backend building the body in SQL must not read as formatting) come out as written.
pub async fn emails_are_letters_about_their_eservice(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let mut odd = new_user_input("odd.reviewer", Role::Reviewer, None);
    odd.display_name = "ผู้ตรวจ 100% %1$s %s".into();
    let odd = store
        .create_user(odd, welcome("odd.reviewer"))
        .await
        .unwrap();
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบจองคิว 100% %1$s").await;
    w.forward(&files, svc.id(), 1, &ctx()).await;
    let mails = store.outbox(None, 1000).await.unwrap();
    let about: Vec<_> = mails
        .iter()
        .filter(|m| m.eservice_id == Some(svc.id()))
        .collect();
    assert_eq!(about.len(), 3, "to the admin and both reviewers");
    let link = format!("https://onboard.example.go.th/eservices/{}", svc.id());
    for staff in [&w.admin, &w.reviewer, &odd] {
        let m = about
            .iter()
            .find(|m| m.recipient == Some(staff.id))
            .unwrap();
        assert_eq!(m.to, staff.email);
        assert_eq!((m.kind, m.secret.as_deref()), (NoticeKind::Submitted, None));
        let name = &staff.display_name;
        assert!(
            m.body.starts_with(&format!("เรียน {name}\n\n")),
            "{}",
            m.body
        );
        assert!(m.body.contains(&format!("\nDear {name},\n")), "{}", m.body);
        assert_eq!(
            m.body.matches(&format!("{link}\n")).count(),
            2,
            "{}",
            m.body
        );
        assert!(m.body.contains("\nจึงเรียนมาเพื่อโปรดทราบ\n"));
        assert!(m
            .body
            .ends_with("\nสพร. ทดสอบ\nDGA conformance signature\n"));
        assert!(m.body.contains("ระบบจองคิว 100% %1$s"), "{}", m.body);
        assert!(m.subject.contains(&w.agency.name_th), "{}", m.subject);
        assert!(m.body.contains(&w.agency.name_th));
        assert!(m.body.find("เรียน").unwrap() < m.body.find("Dear").unwrap());
    }
    // The portal notifications name the agency too.
    let note = &store.notifications(w.reviewer.id, 1).await.unwrap()[0];
    assert!(note.title_th.contains(&w.agency.name_th));
    assert!(note.body_th.contains(&w.agency.name_th));
    assert!(note.body_en.contains(&w.agency.name_th));
}

/// The agency's note on its step-7 confirmation reaches DGA: in the staff notification and
/// in the staff e-mail.
pub async fn launch_note_reaches_staff(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบแจ้งเตือนผู้สูงอายุ").await;
    let s = w.launch(&files, svc.id(), "2027-03-05").await;
    assert!(s.is_complete());
    let note = files.launch("2027-03-05")["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!note.is_empty());
    // Step 4 was approved without `update_agency`: the agency keeps its own name.
    let agency = store.agency(w.agency.id).await.unwrap().unwrap();
    assert_eq!(agency.name_th, w.agency.name_th);
    for staff in [&w.admin, &w.reviewer] {
        let n = &store.notifications(staff.id, 1).await.unwrap()[0];
        assert_eq!(n.kind, NoticeKind::LaunchScheduled);
        assert!(n.body_th.contains(&note), "{}", n.body_th);
        assert!(n.body_en.contains(&note), "{}", n.body_en);
        assert!(n.body_th.contains(&agency.name_th));
        let m = store
            .outbox(None, 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.recipient == Some(staff.id) && m.kind == NoticeKind::LaunchScheduled)
            .unwrap();
        assert!(m.body.contains(&note), "{}", m.body);
    }
}

/// Approving step 4 e-mails the production App Id and Consumer Key to the form's
/// administrator, whose address belongs to no account: an outbox row to a bare address,
/// delivered like any other. No e-mail and no notification ever carries a consumer secret.
pub async fn production_credentials_reach_the_step4_administrator(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบขอรับสวัสดิการ").await;
    // Steps 1 to 3 and the submission of step 4.
    let s = w.forward(&files, svc.id(), 7, &ctx()).await;
    assert_eq!(
        s.step(Step::PlatformRequest).status,
        StepStatus::UnderReview
    );
    let admin_address = "somsak.m@navy.mi.th";
    assert!(store
        .outbox(None, 1000)
        .await
        .unwrap()
        .iter()
        .all(|m| m.to != admin_address));
    let s = w.forward(&files, svc.id(), 1, &ctx()).await;
    let issued = s.credentials().production.clone().unwrap();
    let mails = store.outbox(None, 1000).await.unwrap();
    let to_admin: Vec<_> = mails.iter().filter(|m| m.to == admin_address).collect();
    assert_eq!(to_admin.len(), 1);
    let m = to_admin[0];
    assert_eq!(
        (m.recipient, m.eservice_id, m.kind, m.secret.as_deref()),
        (None, Some(svc.id()), NoticeKind::CredentialsIssued, None)
    );
    assert!(m.body.starts_with("เรียน เรือเอก สมศักดิ์ มั่นคง\n"), "{}", m.body);
    assert!(m.body.contains(&format!("App Id: {}\n", issued.app_id)));
    assert!(m
        .body
        .contains(&format!("Consumer Key: {}\n", issued.consumer_key)));
    assert!(m.body.contains(&mail().eservice_url(svc.id())));
    // E-mail only: nobody's portal notifications grew beyond the agency's two.
    for u in [&w.officer, &w.colleague] {
        let kinds: Vec<NoticeKind> = store
            .notifications(u.id, 2)
            .await
            .unwrap()
            .iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(kinds, [NoticeKind::CredentialsIssued, NoticeKind::Approved]);
    }
    // Delivered like any other e-mail.
    let claimed = store
        .claim_outbox(1000, now(), Duration::minutes(5))
        .await
        .unwrap();
    let sent = claimed.iter().find(|c| c.id == m.id).unwrap();
    assert_eq!((sent.to.as_str(), sent.recipient), (admin_address, None));
    store.mark_sent(m.id, now()).await.unwrap();

    // Not a single message, to anyone, carries a consumer secret.
    let s = w.launch(&files, svc.id(), "2027-03-05").await;
    assert!(s.is_complete());
    let secrets = [
        s.credentials().uat.clone().unwrap().consumer_secret,
        issued.consumer_secret,
    ];
    let mut texts: Vec<String> = store
        .outbox(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{}\n{}", m.subject, m.body))
        .collect();
    for u in w.users() {
        for n in store.notifications(u.id, 1000).await.unwrap() {
            texts.push(format!(
                "{}\n{}\n{}\n{}",
                n.title_th, n.title_en, n.body_th, n.body_en
            ));
        }
    }
    assert!(texts.len() > 20);
    for text in &texts {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
    }
}

/// Claims by concurrent workers never overlap; leases expire; failures wait for their
/// retry time; sent e-mails are never claimed again.
pub async fn outbox_claims_and_retries(store: Arc<dyn Store>) {
    // Five accounts, five welcome e-mails.
    let _world = World::new(store.clone()).await;
    let a = new_agency(&store, "กรมบัญชีกลาง", "Comptroller General's Department").await;
    for i in 0..13 {
        new_user(&store, &format!("mass.{i}"), Role::Agency, Some(&a)).await;
    }
    let pending = store
        .outbox(Some(OutboxStatus::Pending), 1000)
        .await
        .unwrap();
    assert_eq!(pending.len(), 5 + 13);
    assert!(store
        .outbox(Some(OutboxStatus::Sending), 1000)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.outbox(None, 4).await.unwrap().len(), 4);
    let lease = Duration::minutes(5);

    // Nothing is due before it was written.
    assert!(store
        .claim_outbox(10, now() - Duration::seconds(1), lease)
        .await
        .unwrap()
        .is_empty());

    // Two workers drain the outbox concurrently.
    let mut workers = Vec::new();
    for _ in 0..2 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store.claim_outbox(3, now(), lease).await.unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch);
            }
        }));
    }
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.unwrap());
    }
    let ids: HashSet<MessageId> = claimed.iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), claimed.len(), "no e-mail claimed twice");
    assert_eq!(ids, pending.iter().map(|m| m.id).collect::<HashSet<_>>());
    for m in &claimed {
        assert_eq!((m.status, m.attempts), (OutboxStatus::Sending, 1));
        assert_eq!(m.next_attempt_at, now() + lease);
    }
    assert_eq!(
        store
            .outbox(Some(OutboxStatus::Sending), 1000)
            .await
            .unwrap()
            .len(),
        18
    );

    // While the lease holds nobody else gets them; after it, they are claimable again.
    assert!(store
        .claim_outbox(100, now() + Duration::minutes(4), lease)
        .await
        .unwrap()
        .is_empty());
    let t1 = now() + Duration::minutes(6);
    let reclaimed = store.claim_outbox(2, t1, lease).await.unwrap();
    assert_eq!(reclaimed.len(), 2);
    assert!(reclaimed
        .iter()
        .all(|m| m.attempts == 2 && m.next_attempt_at == t1 + lease));

    // Delivered: never again.
    let (sent, failed) = (&reclaimed[0], &reclaimed[1]);
    store.mark_sent(sent.id, t1).await.unwrap();
    // A failure: back to pending, due at the retry time.
    let retry_at = t1 + Duration::hours(1);
    store
        .mark_failed(failed.id, "SMTP 451 ลองใหม่ภายหลัง", Some(t1), retry_at)
        .await
        .unwrap();
    let row = store
        .outbox(Some(OutboxStatus::Pending), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == failed.id)
        .unwrap();
    assert_eq!(row.last_error.as_deref(), Some("SMTP 451 ลองใหม่ภายหลัง"));
    assert_eq!((row.next_attempt_at, row.attempts), (retry_at, 2));

    // The rest of the first claims expire at now + 5 min: claim them out of the way.
    let rest = store.claim_outbox(100, t1, lease).await.unwrap();
    assert_eq!(rest.len(), 16);
    assert!(rest.iter().all(|m| m.id != sent.id && m.id != failed.id));
    for m in &rest {
        store.mark_sent(m.id, t1).await.unwrap();
    }
    let before_retry = retry_at - Duration::minutes(1);
    assert!(store
        .claim_outbox(100, before_retry, lease)
        .await
        .unwrap()
        .is_empty());
    let retried = store.claim_outbox(100, retry_at, lease).await.unwrap();
    assert_eq!(
        retried
            .iter()
            .map(|m| (m.id, m.attempts))
            .collect::<Vec<_>>(),
        vec![(failed.id, 3)]
    );
    assert_eq!(
        retried[0].last_error.as_deref(),
        Some("SMTP 451 ลองใหม่ภายหลัง")
    );
    store.mark_sent(failed.id, retry_at).await.unwrap();

    let done = store.outbox(Some(OutboxStatus::Sent), 1000).await.unwrap();
    assert_eq!(done.len(), 18);
    let first = done.iter().find(|m| m.id == sent.id).unwrap();
    assert_eq!(first.sent_at, Some(t1));
    assert!(store
        .claim_outbox(100, now() + Duration::days(30), lease)
        .await
        .unwrap()
        .is_empty());
    // A late failure report does not take back a delivery; unknown ids are not found.
    store
        .mark_failed(sent.id, "late", None, now() + Duration::days(1))
        .await
        .unwrap();
    assert!(store
        .claim_outbox(100, now() + Duration::days(30), lease)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        err_code(store.mark_sent(Uuid::now_v7().into(), t1).await),
        "not_found"
    );
    assert_eq!(
        err_code(
            store
                .mark_failed(Uuid::now_v7().into(), "x", None, t1)
                .await
        ),
        "not_found"
    );
}

/// Identical content is stored once: two metadata rows, one SHA-256, same bytes.
pub async fn files_are_deduplicated(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let bytes = png(120, 120, [7, 0, 0]);
    let first = upload(&store, &w.officer, "icon.png", &bytes).await;
    let second = upload(&store, &w.outsider, "ไอคอน (สำเนา).png", &bytes).await;
    let staff = store
        .put_file(
            NewFile {
                name: "report.pdf".into(),
                media_type: MediaType::Pdf,
                dimensions: None,
                uploaded_by: w.reviewer.id,
                agency_id: None,
                uploaded_at: now(),
            },
            &pdf("onboard"),
        )
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.sha256, onboard_store::password::sha256_hex(&bytes));
    assert_eq!(first.sha256.len(), 64);
    assert_eq!(
        (first.size, first.media_type, first.dimensions),
        (bytes.len() as u64, MediaType::Png, Some((120, 120)))
    );
    assert_eq!(second.name, "ไอคอน (สำเนา).png");
    assert_eq!(second.agency_id, Some(w.other_agency.id));
    assert_eq!(store.file(first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.file(second.id).await.unwrap(), Some(second.clone()));
    assert_eq!(store.file(staff.id).await.unwrap(), Some(staff.clone()));
    assert_eq!(staff.agency_id, None);
    assert_eq!(
        store.file_content(first.id).await.unwrap(),
        Some(bytes.clone())
    );
    assert_eq!(store.file_content(second.id).await.unwrap(), Some(bytes));
    assert_eq!(
        store.file_content(staff.id).await.unwrap(),
        Some(pdf("onboard"))
    );
    assert_eq!(store.file(Uuid::now_v7().into()).await.unwrap(), None);
    assert_eq!(
        store.file_content(Uuid::now_v7().into()).await.unwrap(),
        None
    );
    // Empty content is a file like any other.
    let empty = store
        .put_file(
            NewFile {
                name: "empty.csv".into(),
                media_type: MediaType::Csv,
                dimensions: None,
                uploaded_by: w.officer.id,
                agency_id: w.officer.agency_id,
                uploaded_at: now(),
            },
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        store.file_content(empty.id).await.unwrap(),
        Some(Vec::new())
    );
}

/// A backup is written while the store is in use, or the backend says it cannot.
pub async fn backup_or_unsupported(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบสำรองข้อมูล").await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("nested").join("backup.db");
    let writer = {
        let (store, actor, id) = (store.clone(), w.officer.actor(), svc.id());
        tokio::spawn(async move {
            for i in 0..20 {
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: json!({ "icon_concept": format!("{i}") }),
                };
                store
                    .execute(id, &actor, command, None, &ctx())
                    .await
                    .unwrap();
            }
        })
    };
    match store.backup(&to).await {
        Ok(()) => assert!(std::fs::metadata(&to).unwrap().len() > 0),
        Err(StoreError::Unsupported(_)) => assert!(!to.exists()),
        Err(e) => panic!("backup failed: {e:?}"),
    }
    writer.await.unwrap();
    assert_eq!(
        store
            .eservice(svc.id(), Scope::All)
            .await
            .unwrap()
            .unwrap()
            .version(),
        21
    );
}

/// Accepted and rejected commands racing on many e-Services: every accepted one lands whole,
/// every rejected one writes nothing, whichever transaction (or batch) they shared.
pub async fn concurrent_rejections_do_not_touch_accepted_commands(store: Arc<dyn Store>) {
    let world = Arc::new(World::new(store).await);
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(world.eservice(&format!("ระบบที่ {i}")).await.id());
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().copied().enumerate() {
        for good in [true, false] {
            let world = Arc::clone(&world);
            tasks.push(tokio::spawn(async move {
                let command = if good {
                    Command::SaveDraft {
                        step: Step::Credential,
                        payload: serde_json::json!({"short_description": format!("ร่าง {i}")}),
                    }
                } else {
                    // Step 1 is in progress: nothing to withdraw.
                    Command::Withdraw {
                        step: Step::Credential,
                    }
                };
                let result = world
                    .store
                    .execute(id, &world.officer.actor(), command, None, &ctx())
                    .await;
                (good, result.map(|s| s.version()).map_err(|e| code(&e)))
            }));
        }
    }
    for task in tasks {
        let (good, result) = task.await.unwrap();
        if good {
            assert_eq!(result, Ok(2));
        } else {
            assert_eq!(result, Err("invalid_transition"));
        }
    }
    for id in ids {
        let tally = world.tally(id).await;
        assert_eq!((tally.version, tally.events), (2, 2), "{id}");
        let stored = world.store.eservice(id, Scope::All).await.unwrap().unwrap();
        assert!(stored.step(Step::Credential).draft.is_some());
    }
}
