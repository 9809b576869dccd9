//! Conformance: queries: the dashboard, lists, search, the review queue and launches.

use super::*;

/// Every stored e-Service, through the list (all pages).
async fn all_states(store: &Arc<dyn Store>) -> Vec<EService> {
    let mut out = Vec::new();
    for page in 1.. {
        let q = ListQuery {
            page,
            per_page: 100,
            ..ListQuery::default()
        };
        let items = store.list(&q, Scope::All, today()).await.unwrap().items;
        if items.is_empty() {
            break;
        }
        for item in items {
            out.push(store.eservice(item.id, Scope::All).await.unwrap().unwrap());
        }
    }
    out
}

/// The dashboard of the store equals the core's `Counts::of` over the same e-Services, for
/// every scope and several dates around the launch dates.
pub async fn dashboard_matches_core(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let third = new_agency(&store, "กรมอุตุนิยมวิทยา", "Thai Meteorological Department").await;
    let third_officer = new_user(&store, "officer.c", Role::Agency, Some(&third)).await;
    let empty = store.dashboard(Scope::All, today()).await.unwrap();
    assert_eq!(empty, Counts::default());

    let kits = [
        (
            &w.agency,
            &w.officer,
            Uploads::new(&store, &w.officer).await,
        ),
        (
            &w.other_agency,
            &w.outsider,
            Uploads::new(&store, &w.outsider).await,
        ),
        (
            &third,
            &third_officer,
            Uploads::new(&store, &third_officer).await,
        ),
    ];
    let desired = ["2027-01-12", "2027-03-05", "2027-06-01"];
    for i in 0..30usize {
        let (agency, officer, files) = &kits[i % 3];
        let svc = store
            .create_eservice(
                &officer.actor(),
                Some(agency.id),
                &format!("บริการที่ {i}"),
                &["งาน".into()],
                &ctx(),
            )
            .await
            .unwrap();
        let moves = (i * 7) % (FULL_WALK + 3);
        let state = advance(
            &store,
            svc.id(),
            officer,
            &w.reviewer,
            files,
            moves,
            desired[i % 3],
            &ctx(),
        )
        .await;
        if i % 4 == 1 && state.current_status() == StepStatus::UnderReview {
            let step = state.current_step();
            store
                .execute(
                    svc.id(),
                    &w.reviewer.actor(),
                    Command::RequestChanges {
                        step,
                        reason: "แก้ไข".into(),
                    },
                    None,
                    &ctx(),
                )
                .await
                .unwrap();
        }
    }
    let states = all_states(&store).await;
    assert_eq!(states.len(), 30);
    assert!(states.iter().any(|s| s.is_complete()));
    assert!(states
        .iter()
        .any(|s| s.current_status() == StepStatus::ChangesRequested));
    let scopes = [
        Scope::All,
        Scope::Agency(w.agency.id),
        Scope::Agency(w.other_agency.id),
        Scope::Agency(third.id),
        Scope::Agency(Uuid::now_v7().into()),
    ];
    let days = [
        "2026-11-25",
        "2027-01-12",
        "2027-02-01",
        "2027-03-09",
        "2027-03-10",
        "2027-12-31",
    ];
    let mut some_live = false;
    for scope in scopes {
        for day in days {
            let today = date(day);
            let expected = Counts::of(
                states
                    .iter()
                    .filter(|s| match scope {
                        Scope::All => true,
                        Scope::Agency(a) => s.agency_id() == a,
                    })
                    .map(Summary::of),
                today,
            );
            let got = store.dashboard(scope, today).await.unwrap();
            assert_eq!(got, expected, "{scope:?} on {day}");
            some_live |= got.launched > 0 && got.not_launched > 0;
        }
    }
    assert!(some_live, "the dates cover live and not-yet-live launches");
}

/// Name search (Thai, any case, LIKE metacharacters literal, short queries), filters,
/// scope and paging.
pub async fn list_filters_search_and_paging(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let names = [
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        "ระบบสวัสดิการข้าราชการ",
        "Tax Refund Online",
        "e-TAX Calculator",
        "100% Discount_Check",
        "1000 Discounts",
        "ระบบจองคิว",
        "Path\\Finder \"quoted\"",
    ];
    let mut ids = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        // Distinct update times: the list is newest change first.
        let at = now() + Duration::minutes(i as i64);
        let svc = store
            .create_eservice(
                &w.officer.actor(),
                Some(w.agency.id),
                name,
                &["งาน".into()],
                &ctx_at(at),
            )
            .await
            .unwrap();
        ids.insert(*name, svc.id());
    }
    let other = store
        .create_eservice(
            &w.outsider.actor(),
            Some(w.other_agency.id),
            "ภาษีสวัสดิการ",
            &["งาน".into()],
            &ctx(),
        )
        .await
        .unwrap();
    // Move "Tax Refund Online" to step 1 under review, later than everything else.
    let tax = ids["Tax Refund Online"];
    let later = ctx_at(now() + Duration::hours(1));
    advance(
        &store,
        tax,
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "2027-03-05",
        &later,
    )
    .await;

    let search = |q: &str, scope: Scope| {
        let store = store.clone();
        let q = q.to_owned();
        async move {
            let query = ListQuery {
                q: Some(q),
                ..ListQuery::default()
            };
            let page = store.list(&query, scope, today()).await.unwrap();
            assert_eq!(page.total as usize, page.items.len());
            let mut found: Vec<String> = page.items.into_iter().map(|i| i.name).collect();
            found.sort();
            found
        }
    };
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    let all = Scope::All;
    assert_eq!(
        search("สวัสดิการ", all).await,
        sorted(&["ระบบแจ้งเตือนสิทธิสวัสดิการ", "ระบบสวัสดิการข้าราชการ", "ภาษีสวัสดิการ"])
    );
    assert_eq!(
        search("สวัสดิการ", Scope::Agency(w.agency.id)).await,
        sorted(&["ระบบแจ้งเตือนสิทธิสวัสดิการ", "ระบบสวัสดิการข้าราชการ"])
    );
    assert_eq!(
        search("tax", all).await,
        sorted(&["Tax Refund Online", "e-TAX Calculator"])
    );
    assert_eq!(search("TaX c", all).await, sorted(&["e-TAX Calculator"]));
    assert_eq!(
        search("  refund  ", all).await,
        sorted(&["Tax Refund Online"])
    );
    // LIKE metacharacters are literal, in long and short queries.
    assert_eq!(search("0%", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("%", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("% d", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("_", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("t_c", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(
        search("\\", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    assert_eq!(
        search("\"quoted\"", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    assert_eq!(
        search("h\\f", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    // Two characters, Thai and Latin.
    assert_eq!(search("คิ", all).await, sorted(&["ระบบจองคิว"]));
    assert_eq!(
        search("AX", all).await,
        sorted(&["Tax Refund Online", "e-TAX Calculator"])
    );
    assert_eq!(
        search("1", all).await,
        sorted(&["100% Discount_Check", "1000 Discounts"])
    );
    assert!(search("ไม่มีชื่อนี้", all).await.is_empty());
    assert!(search("zz", all).await.is_empty());
    assert_eq!(
        search("", all).await.len(),
        names.len() + 1,
        "blank q is no filter"
    );

    // Filters.
    let query = |f: fn(&mut ListQuery)| {
        let mut q = ListQuery::default();
        f(&mut q);
        q
    };
    let under_review = store
        .list(
            &query(|q| q.status = Some(StepStatus::UnderReview)),
            all,
            today(),
        )
        .await
        .unwrap();
    assert_eq!(
        under_review.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![tax]
    );
    let item = &under_review.items[0];
    assert_eq!(
        (item.current_step, item.current_status, item.lifecycle),
        (
            Step::Credential,
            StepStatus::UnderReview,
            Lifecycle::Onboarding
        )
    );
    assert_eq!(
        (item.agency_name_th.as_str(), item.ministry_th.as_str()),
        (w.agency.name_th.as_str(), w.agency.ministry_th.as_str())
    );
    assert_eq!(item.updated_at, later.now);
    let step2 = store
        .list(&query(|q| q.step = Some(Step::UatSetup)), all, today())
        .await
        .unwrap();
    assert_eq!(step2.total, 0);
    let step1 = store
        .list(&query(|q| q.step = Some(Step::Credential)), all, today())
        .await
        .unwrap();
    assert_eq!(step1.total as usize, names.len() + 1);
    let mut by_agency = ListQuery {
        agency_id: Some(w.other_agency.id),
        ..ListQuery::default()
    };
    let page = store.list(&by_agency, all, today()).await.unwrap();
    assert_eq!(
        page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![other.id()]
    );
    // An agency user asking for another agency's e-Services gets none.
    let page = store
        .list(&by_agency, Scope::Agency(w.agency.id), today())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    by_agency.lifecycle = Some(Lifecycle::Onboarding);
    assert_eq!(store.list(&by_agency, all, today()).await.unwrap().total, 1);
    for lifecycle in [Lifecycle::Scheduled, Lifecycle::Live] {
        let q = ListQuery {
            lifecycle: Some(lifecycle),
            ..ListQuery::default()
        };
        assert_eq!(store.list(&q, all, today()).await.unwrap().total, 0);
    }
    let combined = ListQuery {
        q: Some("ระบบ".into()),
        status: Some(StepStatus::InProgress),
        agency_id: Some(w.agency.id),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&combined, all, today()).await.unwrap().total, 3);

    // Paging: newest change first, then by id; totals on every page; per_page clamped.
    let everything = store
        .list(
            &ListQuery {
                per_page: 100,
                ..ListQuery::default()
            },
            Scope::Agency(w.agency.id),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(everything.total as usize, names.len());
    assert_eq!(everything.items[0].id, tax, "the latest change comes first");
    assert!(everything
        .items
        .windows(2)
        .all(|p| (std::cmp::Reverse(p[0].updated_at), p[0].id)
            < (std::cmp::Reverse(p[1].updated_at), p[1].id)));
    let mut paged = Vec::new();
    for page in 1..=4 {
        let q = ListQuery {
            page,
            per_page: 3,
            ..ListQuery::default()
        };
        let p = store
            .list(&q, Scope::Agency(w.agency.id), today())
            .await
            .unwrap();
        assert_eq!(
            (p.total as usize, p.page, p.per_page),
            (names.len(), page, 3)
        );
        assert!(p.items.len() <= 3);
        paged.extend(p.items);
    }
    assert_eq!(paged, everything.items);
    // Without the count: the same rows, and a total that only reaches this page.
    let uncounted = store
        .list(
            &ListQuery {
                page: 2,
                per_page: 3,
                skip_total: true,
                ..ListQuery::default()
            },
            Scope::Agency(w.agency.id),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(uncounted.items, everything.items[3..6]);
    assert_eq!(uncounted.total, 6);
    let q = ListQuery {
        page: 0,
        per_page: 1000,
        ..ListQuery::default()
    };
    let p = store.list(&q, all, today()).await.unwrap();
    assert_eq!((p.page, p.per_page), (1, 100));
    let q = ListQuery {
        page: 99,
        per_page: 5,
        ..ListQuery::default()
    };
    let p = store.list(&q, all, today()).await.unwrap();
    assert!(p.items.is_empty());
    assert_eq!(p.total as usize, names.len() + 1);
}

/// The names (sorted) of the e-Services matching `q` in `scope`, checking the total.
pub async fn search_names(store: &Arc<dyn Store>, q: &str, scope: Scope) -> Vec<String> {
    let query = ListQuery {
        q: Some(q.to_owned()),
        per_page: 100,
        ..ListQuery::default()
    };
    let page = store.list(&query, scope, today()).await.unwrap();
    assert_eq!(page.total as usize, page.items.len(), "{q:?}");
    let mut found: Vec<String> = page.items.into_iter().map(|i| i.name).collect();
    found.sort();
    found
}

/// A search is a plain substring, in any case: `%`, `_` and `\\` are only characters, and a
/// blank query is no filter.
pub async fn search_is_literal_and_case_insensitive(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let names = [
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        "ระบบจองคิว ABC",
        "abc_def",
        "abcXdef",
        "ลด 50% ทันที",
        "ลด 50 บาท",
        r"path\to",
    ];
    for name in names {
        w.eservice(name).await;
    }
    let search = |q: &'static str| search_names(&store, q, Scope::All);
    assert_eq!(search("แจ้งเตือน").await, vec![names[0]]);
    assert_eq!(search("ระบบ").await.len(), 2);
    assert_eq!(search("abc").await.len(), 3);
    assert_eq!(search("ABC_").await, vec!["abc_def"]);
    assert_eq!(search("50%").await, vec!["ลด 50% ทันที"]);
    assert_eq!(search(r"h\t").await, vec![r"path\to"]);
    assert_eq!(search("  ").await.len(), names.len());
    assert!(search("%%").await.is_empty());
}

/// Above a thousand matches the list walks its order instead of sorting the matches: both
/// ways give the same pages, matches by a service too; the total stops at the cap
/// (`total_capped`), for all e-Services and within one agency (where the walk also carries
/// the scope).
pub async fn many_matches_page_like_few(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let mut expected = Vec::new();
    for i in 0..1800i64 {
        let (officer, agency) = if i % 3 == 0 {
            (&w.outsider, w.other_agency.id)
        } else {
            (&w.officer, w.agency.id)
        };
        let (name, service) = if i % 10 == 0 {
            (format!("ระบบจองคิว {i}"), "งาน")
        } else if i % 7 == 0 {
            (format!("ระบบบริการ {i}"), "ชำระภาษีรถยนต์")
        } else {
            (format!("ระบบชำระภาษี {i}"), "งาน")
        };
        // Several e-Services share each instant: ties are broken by id.
        let at = now() + chrono::Duration::seconds(i / 3);
        let svc = store
            .create_eservice(
                &officer.actor(),
                Some(agency),
                &name,
                &[service.to_owned()],
                &ctx_at(at),
            )
            .await
            .unwrap();
        if i % 10 != 0 {
            expected.push((std::cmp::Reverse(svc.updated_at()), svc.id(), agency));
        }
    }
    expected.sort();
    let ours: Vec<_> = expected
        .iter()
        .filter(|e| e.2 == w.agency.id)
        .cloned()
        .collect();
    for (scope, expected) in [(Scope::All, &expected), (Scope::Agency(w.agency.id), &ours)] {
        for (page, per_page) in [(1, 20), (2, 100), (13, 90), (9, 100), (400, 20)] {
            let q = ListQuery {
                q: Some("ชำระภาษี".into()),
                page,
                per_page,
                ..ListQuery::default()
            };
            let got = store.list(&q, scope, today()).await.unwrap();
            let cap = onboard_store::SEARCH_COUNT_CAP as usize;
            assert!(
                expected.len() > cap,
                "both scopes have more matches than the cap"
            );
            assert_eq!(got.total as usize, cap, "{scope:?}");
            assert!(got.total_capped, "{scope:?}");
            let start = ((page - 1) * per_page) as usize;
            let want: Vec<EServiceId> = expected
                .iter()
                .skip(start)
                .take(per_page as usize)
                .map(|e| e.1)
                .collect();
            let ids: Vec<EServiceId> = got.items.iter().map(|i| i.id).collect();
            assert_eq!(ids, want, "{scope:?} page {page} of {per_page}");
        }
    }
    let few = ListQuery {
        q: Some("จองคิว".into()),
        ..ListQuery::default()
    };
    assert_eq!(
        store.list(&few, Scope::All, today()).await.unwrap().total,
        180
    );
}

/// An e-Service whose name and several services all match counts once, also when its
/// matching texts are many more than the cap.
pub async fn many_texts_count_once(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let services: Vec<String> = (0..8).map(|k| format!("ชำระภาษี ช่องทาง {k}")).collect();
    for i in 0..300 {
        store
            .create_eservice(
                &w.officer.actor(),
                Some(w.agency.id),
                &format!("ระบบชำระภาษี {i}"),
                &services,
                &ctx(),
            )
            .await
            .unwrap();
    }
    for scope in [Scope::All, Scope::Agency(w.agency.id)] {
        let q = ListQuery {
            q: Some("ชำระภาษี".into()),
            per_page: 100,
            ..ListQuery::default()
        };
        let got = store.list(&q, scope, today()).await.unwrap();
        assert_eq!((got.total, got.total_capped), (300, false), "{scope:?}");
        let ids: std::collections::HashSet<EServiceId> = got.items.iter().map(|i| i.id).collect();
        assert_eq!(ids.len(), 100, "{scope:?}");
    }
}

/// SPEC §10: `q` also matches any งานบริการ name and the agency's Thai or English name
/// (contained, case-insensitive, Thai too; long and short queries alike), follows
/// `update_services` and agency renames, and takes metacharacters literally. Ministries
/// are not searched.
pub async fn search_matches_services_and_agency_names(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let create = |by: &User, agency: &Agency, name: &str, services: &[&str]| {
        let store = store.clone();
        let (actor, agency, name) = (by.actor(), agency.id, name.to_owned());
        let services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        async move {
            store
                .create_eservice(&actor, Some(agency), &name, &services, &ctx())
                .await
                .unwrap()
        }
    };
    // w.agency: กรมกิจการผู้สูงอายุ / Department of Older Persons;
    // w.other_agency: กรมสรรพากร / Revenue Department.
    let allowance = create(
        &w.officer,
        &w.agency,
        "ระบบเบี้ยยังชีพ",
        &["ลงทะเบียนรับเบี้ยยังชีพ", "Allowance Status"],
    )
    .await;
    create(
        &w.outsider,
        &w.other_agency,
        "ระบบยื่นแบบภาษี",
        &["ยื่นแบบ ภ.ง.ด.90", "ยื่นแบบ ภ.ง.ด.91"],
    )
    .await;
    create(&w.outsider, &w.other_agency, "e-Filing", &["100%_Refund"]).await;
    let all = Scope::All;
    let search = |q: &'static str| search_names(&store, q, all);
    let names = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    let tax = names(&["ระบบยื่นแบบภาษี"]);
    let revenue = names(&["ระบบยื่นแบบภาษี", "e-Filing"]);
    let elderly = names(&["ระบบเบี้ยยังชีพ"]);

    // A service name, whole or in part ('.' is no metacharacter).
    assert_eq!(search("ภ.ง.ด.90").await, tax);
    assert_eq!(search("แบบ ภ.ง.ด.9").await, tax);
    assert_eq!(search("ลงทะเบียนรับ").await, elderly);
    // English, any case.
    assert_eq!(search("allowance status").await, elderly);
    assert_eq!(search("ALLOWANCE").await, elderly);
    // The agency's Thai and English names, any case.
    assert_eq!(search("สรรพากร").await, revenue);
    assert_eq!(search("กรมสรรพากร").await, revenue);
    assert_eq!(search("revenue").await, revenue);
    assert_eq!(search("REVENUE DEP").await, revenue);
    assert_eq!(search("Older Persons").await, elderly);
    assert_eq!(search("ผู้สูงอายุ").await, elderly);
    // Both agencies' English names.
    assert_eq!(
        search("department").await,
        names(&["ระบบยื่นแบบภาษี", "e-Filing", "ระบบเบี้ยยังชีพ"])
    );
    // Shorter than a trigram: the same fields.
    assert_eq!(search("90").await, tax);
    assert_eq!(search("สร").await, revenue);
    assert_eq!(search("RE").await, revenue);
    assert_eq!(search("al").await, elderly);
    // Within the scope only.
    assert_eq!(
        search_names(&store, "สรรพากร", Scope::Agency(w.agency.id)).await,
        Vec::<String>::new()
    );
    // Ministries are not searched (World's ministry names contain the agency names).
    assert!(search("กระทรวงของ").await.is_empty());
    assert!(search("ministry").await.is_empty());
    // A query spanning two services, or a service and the name, matches nothing.
    assert!(search("ภ.ง.ด.90ยื่นแบบ").await.is_empty());
    assert!(search("ยังชีพลงทะเบียน").await.is_empty());
    // Metacharacters are literal, in services too, long and short.
    assert_eq!(search("0%_r").await, names(&["e-Filing"]));
    assert_eq!(search("%_").await, names(&["e-Filing"]));
    assert_eq!(search("_").await, names(&["e-Filing"]));
    assert!(search("0%r").await.is_empty());
    assert!(search("ภ_ง").await.is_empty());
    assert!(search("\"ภ.ง.ด").await.is_empty());

    // update_services: the new names match, the old ones no longer do.
    let updated = store
        .execute(
            allowance.id(),
            &w.officer.actor(),
            Command::UpdateServices {
                services: vec!["ตรวจสอบสถานะเบี้ย".into(), "Payment History".into()],
            },
            Some(allowance.version()),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(search("สถานะเบี้ย").await, elderly);
    assert_eq!(search("payment HISTORY").await, elderly);
    assert!(search("allowance").await.is_empty());
    assert!(search("ลงทะเบียนรับ").await.is_empty());
    assert!(search("al").await.is_empty());
    // The name still matches.
    assert_eq!(search("เบี้ยยังชีพ").await, elderly);
    // A command that leaves the services alone leaves them searchable.
    let files = Uploads::new(&store, &w.officer).await;
    let walked = w.forward(&files, updated.id(), 8, &ctx()).await;
    assert_eq!(
        walked.step(Step::PlatformRequest).status,
        StepStatus::Completed
    );
    assert_eq!(search("สถานะเบี้ย").await, elderly);
    // The agency is searched by its current names: approving step 4 may rename it.
    let agency = store.agency(w.agency.id).await.unwrap().unwrap();
    assert_eq!(search_names(&store, &agency.name_th, all).await, elderly);
    assert_eq!(search_names(&store, &agency.name_en, all).await, elderly);
    if agency.name_en != w.agency.name_en {
        assert!(search("Older Persons").await.is_empty());
        assert!(search("ผู้สูงอายุ").await.is_empty());
    }
}

/// The ids of the first `limit` e-Services of the review queue, in its order.
async fn queue_ids(store: &Arc<dyn Store>, limit: u32) -> Vec<EServiceId> {
    let queue = store.review_queue(limit, today()).await.unwrap();
    queue.iter().map(|i| i.id).collect()
}

/// The review queue holds e-Services whose current step is under review (forms and test
/// attempts), oldest submission first.
pub async fn review_queue_oldest_first(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let a = w.eservice("ก ระบบแรก").await;
    let b = w.eservice("ข ระบบที่สอง").await;
    let c = w.eservice("ค ระบบที่สาม").await;
    let d = w.eservice("ง ระบบทดสอบ").await;
    let e = w.eservice("จ ระบบที่ยังไม่ส่ง").await;
    assert!(store.review_queue(10, today()).await.unwrap().is_empty());
    let at = |minutes: i64| ctx_at(now() + Duration::minutes(minutes));
    w.forward(&files, a.id(), 1, &at(3)).await;
    w.forward(&files, b.id(), 1, &at(1)).await;
    w.forward(&files, c.id(), 1, &at(2)).await;
    // d: steps 1 and 2 done at once, its test attempt at 2.5 minutes.
    w.forward(&files, d.id(), 4, &ctx()).await;
    let d_state = w
        .forward(&files, d.id(), 1, &ctx_at(now() + Duration::seconds(150)))
        .await;
    assert_eq!(
        (d_state.current_step(), d_state.current_status()),
        (Step::UatTest, StepStatus::UnderReview)
    );
    store
        .execute(
            e.id(),
            &w.officer.actor(),
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({}),
            },
            None,
            &at(0),
        )
        .await
        .unwrap();

    let queue = queue_ids(&store, 10).await;
    assert_eq!(queue, vec![b.id(), c.id(), d.id(), a.id()]);
    let first_two = queue_ids(&store, 2).await;
    assert_eq!(first_two, vec![b.id(), c.id()]);
    let item = &store.review_queue(1, today()).await.unwrap()[0];
    assert_eq!(
        (item.current_status, item.lifecycle),
        (StepStatus::UnderReview, Lifecycle::Onboarding)
    );
    assert_eq!(item.agency_name_th, w.agency.name_th);
    // Each item says since when it waits: its current step's submission time.
    let waiting = store.review_queue(10, today()).await.unwrap();
    assert!(waiting
        .windows(2)
        .all(|p| p[0].review_since <= p[1].review_since));
    let b_submitted = store
        .eservice(b.id(), Scope::All)
        .await
        .unwrap()
        .unwrap()
        .step(Step::Credential)
        .submitted_at
        .unwrap();
    let since = waiting[0].review_since.unwrap();
    assert!(
        (since - b_submitted).num_milliseconds().abs() < 1,
        "{since} vs {b_submitted}"
    );
    let listed = store
        .list(&ListQuery::default(), Scope::All, today())
        .await
        .unwrap();
    assert!(listed
        .items
        .iter()
        .all(|i| i.review_since.is_some() == (i.current_status == StepStatus::UnderReview)));

    // Reviewed or withdrawn submissions leave the queue; a resubmission re-enters by its time.
    store
        .execute(
            b.id(),
            &w.reviewer.actor(),
            Command::Approve {
                step: Step::Credential,
                note: Some("ผ่าน".into()),
                credentials: None,
                update_agency: false,
            },
            None,
            &at(4),
        )
        .await
        .unwrap();
    store
        .execute(
            c.id(),
            &w.officer.actor(),
            Command::Withdraw {
                step: Step::Credential,
            },
            None,
            &at(5),
        )
        .await
        .unwrap();
    let queue = queue_ids(&store, 10).await;
    assert_eq!(queue, vec![d.id(), a.id()]);
    w.forward(&files, c.id(), 1, &at(6)).await;
    let queue = queue_ids(&store, 10).await;
    assert_eq!(queue, vec![d.id(), a.id(), c.id()]);
}

/// Scheduled and live e-Services by launch date, in scope, with their lifecycle on `today`.
pub async fn launched_by_date(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let own = Uploads::new(&store, &w.officer).await;
    let theirs = Uploads::new(&store, &w.outsider).await;
    let june = w.eservice("ระบบมิถุนายน").await;
    let january = w.eservice("ระบบมกราคม").await;
    let onboarding = w.eservice("ระบบยังไม่เสร็จ").await;
    let march = store
        .create_eservice(
            &w.outsider.actor(),
            Some(w.other_agency.id),
            "ระบบมีนาคม",
            &["งาน".into()],
            &ctx(),
        )
        .await
        .unwrap();
    let june = w.launch(&own, june.id(), "2027-06-01").await;
    let january = w.launch(&own, january.id(), "2027-01-12").await;
    let march = advance(
        &store,
        march.id(),
        &w.outsider,
        &w.reviewer,
        &theirs,
        FULL_WALK,
        "2027-03-05",
        &ctx(),
    )
    .await;
    advance(
        &store,
        onboarding.id(),
        &w.officer,
        &w.reviewer,
        &own,
        FULL_WALK - 1,
        "2027-03-05",
        &ctx(),
    )
    .await;
    for s in [&june, &january, &march] {
        assert!(s.is_complete() && s.launch_on().is_some(), "{}", s.name());
    }
    let (jan_on, mar_on) = (january.launch_on().unwrap(), march.launch_on().unwrap());
    assert!(jan_on < mar_on && mar_on < june.launch_on().unwrap());

    let on = jan_on + Duration::days(1);
    let all = store.launched(Scope::All, on).await.unwrap();
    let got: Vec<(EServiceId, Option<NaiveDate>, Lifecycle)> = all
        .iter()
        .map(|i| (i.id, i.launch_on, i.lifecycle))
        .collect();
    assert_eq!(
        got,
        vec![
            (january.id(), january.launch_on(), Lifecycle::Live),
            (march.id(), march.launch_on(), Lifecycle::Scheduled),
            (june.id(), june.launch_on(), Lifecycle::Scheduled),
        ]
    );
    assert!(all
        .iter()
        .all(|i| i.current_status == StepStatus::Completed && i.current_step == Step::Launch));
    let ours: Vec<EServiceId> = store
        .launched(Scope::Agency(w.agency.id), mar_on)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(ours, vec![january.id(), june.id()]);
    let theirs: Vec<Lifecycle> = store
        .launched(Scope::Agency(w.other_agency.id), mar_on)
        .await
        .unwrap()
        .iter()
        .map(|i| i.lifecycle)
        .collect();
    assert_eq!(theirs, vec![Lifecycle::Live], "live from the launch day on");
    // The list's lifecycle filter agrees.
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Scheduled),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 2);
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Live),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 1);
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Onboarding),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 1);
}
