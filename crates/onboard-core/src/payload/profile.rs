//! How the e-Service receives the user's profile from the app (รูปแบบการเชื่อมโยงบริการ /
//! ประเภทการเข้าถึงโปรไฟล์: manual §4, §6 part 2 and §7): mToken or OIDC (Digital ID).

use super::check::{self, Urls};
use super::limits;
use super::raw::raw_form;
use crate::fields::{Domain, HttpsUrl};
use crate::reference::named_enum;
use crate::validation::{Code, Issue, Path, Report};
use serde::{Deserialize, Serialize};

raw_form! {
    /// Profile access as sent: the members of both kinds, chosen by `type`.
    struct RawProfileAccess {
        kind as "type": String,
        domain: String,
        landing_page_url: String,
        login_callback_urls: Vec<String>,
        logout_callback_urls: Vec<String>,
    }
}

named_enum! {
    /// The kind of profile access.
    ProfileAccessType, "profile_access_type" {
        /// mToken: the app opens the landing page with a token.
        Mtoken = "mtoken", "mToken", "mToken";
        /// OpenID Connect with the Digital ID.
        Oidc = "oidc", "OIDC (Digital ID)", "OIDC (Digital ID)";
    }
}

/// The profile access of an e-Service, tagged by `type` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ProfileAccess {
    /// `{"type": "mtoken", "landing_page_url": URL}`.
    Mtoken {
        /// Landing Page URL.
        landing_page_url: HttpsUrl,
    },
    /// `{"type": "oidc", "domain", "landing_page_url", "login_callback_urls", "logout_callback_urls"}`.
    Oidc {
        /// The OIDC domain: a host name only.
        domain: Domain,
        /// Landing Page URL, on the domain. Optional in step 4, where the manual asks OIDC
        /// only for the domain and the callbacks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        landing_page_url: Option<HttpsUrl>,
        /// Login callback URLs (1 to 20), on the domain, no fragment, no duplicates.
        login_callback_urls: Vec<HttpsUrl>,
        /// Logout callback URLs (1 to 20), on the domain, no fragment, no duplicates.
        logout_callback_urls: Vec<HttpsUrl>,
    },
}

impl ProfileAccess {
    /// The kind of access.
    pub fn kind(&self) -> ProfileAccessType {
        match self {
            ProfileAccess::Mtoken { .. } => ProfileAccessType::Mtoken,
            ProfileAccess::Oidc { .. } => ProfileAccessType::Oidc,
        }
    }

    /// The landing page URL, when one was given (always for mToken).
    pub fn landing_page_url(&self) -> Option<&HttpsUrl> {
        match self {
            ProfileAccess::Mtoken { landing_page_url } => Some(landing_page_url),
            ProfileAccess::Oidc {
                landing_page_url, ..
            } => landing_page_url.as_ref(),
        }
    }
}

/// Whether an OIDC profile access must name its landing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OidcLanding {
    /// Steps 2 and 5 (manual §4, §7 ask for it).
    Required,
    /// Step 4 (manual §6 asks OIDC only for Domain, Callback and Logout Callback).
    Optional,
}

/// Checks a profile access; a missing object is checked as an empty one.
pub(crate) fn profile_access(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawProfileAccess>,
    urls: Urls,
    oidc_landing: OidcLanding,
) -> Option<ProfileAccess> {
    let empty = RawProfileAccess::default();
    let raw = raw.unwrap_or(&empty);
    let kind = check::choice::<ProfileAccessType>(r, &path.key("type"), &raw.kind);
    let landing_path = path.key("landing_page_url");
    let landing_optional = kind == Some(ProfileAccessType::Oidc)
        && oidc_landing == OidcLanding::Optional
        && !check::is_filled(&raw.landing_page_url);
    // `None`: an error was recorded; `Some(None)`: left out where that is allowed.
    let landing = if landing_optional {
        Some(None)
    } else {
        check::required_url(r, &landing_path, &raw.landing_page_url, urls).map(Some)
    };
    match kind? {
        ProfileAccessType::Mtoken => {
            let mut ok = true;
            for (name, filled) in [
                ("domain", check::is_filled(&raw.domain)),
                ("login_callback_urls", is_listed(&raw.login_callback_urls)),
                ("logout_callback_urls", is_listed(&raw.logout_callback_urls)),
            ] {
                ok &= check::forbid(
                    r,
                    &path.key(name),
                    filled,
                    "ใช้เฉพาะกับการเชื่อมโยงแบบ OIDC ไม่ต้องระบุสำหรับ mToken",
                    "Only used with OIDC; leave it empty for mToken",
                );
            }
            let landing_page_url = landing??;
            ok.then_some(ProfileAccess::Mtoken { landing_page_url })
        }
        ProfileAccessType::Oidc => {
            let domain = check::required::<Domain>(r, &path.key("domain"), &raw.domain);
            let mut ok = true;
            if let (Some(domain), Some(Some(url))) = (&domain, &landing) {
                ok &= on_domain(r, &landing_path, domain, url);
            }
            let login = callbacks(
                r,
                &path.key("login_callback_urls"),
                &raw.login_callback_urls,
                domain.as_ref(),
                urls,
            );
            let logout = callbacks(
                r,
                &path.key("logout_callback_urls"),
                &raw.logout_callback_urls,
                domain.as_ref(),
                urls,
            );
            let access = ProfileAccess::Oidc {
                domain: domain?,
                landing_page_url: landing?,
                login_callback_urls: login?,
                logout_callback_urls: logout?,
            };
            ok.then_some(access)
        }
    }
}

fn is_listed(raw: &Option<Vec<String>>) -> bool {
    raw.as_ref().is_some_and(|v| !v.is_empty())
}

/// `not_allowed` unless the URL's host is the OIDC domain or a subdomain of it.
fn on_domain(r: &mut Report, path: &Path, domain: &Domain, url: &HttpsUrl) -> bool {
    let covered = domain.covers(url.host());
    if !covered {
        let (d, h) = (domain.as_str(), url.host());
        r.push(Issue::with_messages(
            path,
            Code::NotAllowed,
            format!("URL ต้องอยู่บนโดเมน {d} หรือโดเมนย่อยของโดเมนนี้ (พบ {h})"),
            format!("The URL must be on the domain {d} or one of its subdomains (found {h})"),
        ));
    }
    covered
}

/// OIDC callback URLs: 1 to 20, each an https URL on the domain without a fragment, no
/// duplicates.
fn callbacks(
    r: &mut Report,
    path: &Path,
    raw: &Option<Vec<String>>,
    domain: Option<&Domain>,
    urls: Urls,
) -> Option<Vec<HttpsUrl>> {
    let Some(raw) = raw else {
        r.add(path, Code::Required);
        return None;
    };
    let mut ok = check::count(r, path, raw.len(), 1, limits::CALLBACK_URLS_MAX);
    let mut parsed = Vec::with_capacity(raw.len());
    let mut keyed = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let at = path.index(i);
        let Some(url) = check::url(r, &at, item, urls) else {
            ok = false;
            continue;
        };
        if url.has_fragment() {
            r.push(Issue::with_messages(
                &at,
                Code::InvalidFormat,
                "Callback URL ต้องไม่มีส่วน # (fragment)",
                "A callback URL must not have a # fragment",
            ));
            ok = false;
        } else if let Some(domain) = domain {
            ok &= on_domain(r, &at, domain, &url);
        }
        keyed.push((i, at, url.as_str().to_owned()));
        parsed.push(url);
    }
    ok &= check::duplicates(r, keyed);
    ok.then_some(parsed)
}
