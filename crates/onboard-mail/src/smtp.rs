//! The SMTP [`Mailer`]: lettre's tokio transport, TLS by rustls.

use crate::{MailError, Mailer};
use async_trait::async_trait;
use lettre::message::{Mailbox, Message, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use onboard_store::OutboxMessage;
use std::time::Duration;

/// Sends e-mails through one SMTP server.
///
/// The server is named by a URL as lettre reads it:
///
/// | URL | connection |
/// | --- | --- |
/// | `smtp://host:25` | plain, no TLS (a local relay) |
/// | `smtp://host:587?tls=required` | STARTTLS, required |
/// | `smtp://host:587?tls=opportunistic` | STARTTLS when the server offers it |
/// | `smtps://host:465` | TLS from the first byte |
///
/// `user:password@` before the host logs in (percent-encode special characters).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    // The transport holds the credentials: show the sender only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the server at `url` (see the table above), sending as `from`
    /// (`addr@host` or `Name <addr@host>`; a Thai name is fine). Connecting happens at the
    /// first send, so an unreachable server is not an error here. Must be called inside a
    /// tokio runtime (the connection pool lives on it); outside one it is a `Config` error.
    ///
    /// ```
    /// use onboard_mail::SmtpMailer;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), onboard_mail::MailError> {
    /// let mailer = SmtpMailer::from_url("smtp://127.0.0.1:2525", "ทางรัฐ <noreply@dga.or.th>")?;
    /// SmtpMailer::from_url("smtp://mail.dga.or.th:587?tls=required", "noreply@dga.or.th")?;
    /// SmtpMailer::from_url("smtps://onboard:s%40cret@mail.dga.or.th", "noreply@dga.or.th")?;
    /// assert!(SmtpMailer::from_url("http://mail", "noreply@dga.or.th").is_err());
    /// assert!(SmtpMailer::from_url("smtp://mail", "not an address").is_err());
    /// # Ok(()) }
    /// ```
    pub fn from_url(url: &str, from: &str) -> Result<SmtpMailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Config(format!("sender address `{from}`: {e}")))?;
        // lettre's pool spawns its reaper task at build time and panics without a runtime.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(MailError::Config(
                "the SMTP mailer needs a tokio runtime".into(),
            ));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // lettre's message names the problem, never the password in the URL.
            .map_err(|e| MailError::Config(format!("SMTP URL: {e}")))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(SmtpMailer { transport, from })
    }

    /// The sender address.
    pub fn from_address(&self) -> &Mailbox {
        &self.from
    }
}

/// The e-mail for an outbox message: UTF-8 plain text, the subject encoded for headers
/// (RFC 2047) by lettre, and a `Message-ID` made of the outbox id so that a resent
/// duplicate can be recognized.
///
/// ```
/// use chrono::Utc;
/// use onboard_core::notify::NoticeKind;
/// use onboard_store::{OutboxMessage, OutboxStatus};
/// use onboard_core::id::MessageId;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let msg = OutboxMessage {
///     id: MessageId::from_u128(7),
///     to: "somchai@agency.go.th".into(),
///     recipient: None,
///     eservice_id: None,
///     subject: "อนุมัติขั้นตอนที่ 1 / Step 1 approved".into(),
///     body: "ขั้นตอนที่ 1 ได้รับการอนุมัติแล้ว\n\nStep 1 was approved.\n".into(),
///     secret: None,
///     kind: NoticeKind::Approved,
///     created_at: Utc::now(),
///     status: OutboxStatus::Pending,
///     attempts: 0,
///     next_attempt_at: Utc::now(),
///     failing_since: None,
///     last_error: None,
///     sent_at: None,
/// };
/// let email = onboard_mail::compose(&"noreply@dga.or.th".parse()?, &msg)?;
/// let text = String::from_utf8(email.formatted())?;
/// assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000007@dga.or.th>"));
/// assert!(text.contains("Subject: =?utf-8?b?")); // Thai travels encoded
/// assert!(text.is_ascii());
/// # Ok(()) }
/// ```
pub fn compose(from: &Mailbox, msg: &OutboxMessage) -> Result<Message, MailError> {
    let to: Mailbox = msg
        .to
        .parse()
        .map_err(|e| MailError::Message(format!("recipient address: {e}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(msg.subject.clone())
        .message_id(Some(format!("<{}@{}>", msg.id, from.email.domain())))
        .singlepart(SinglePart::plain(msg.body.clone()))
        .map_err(|e| MailError::Message(e.to_string()))
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, msg: &OutboxMessage) -> Result<(), MailError> {
        let email = compose(&self.from, msg)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(MailError::Permanent(e.to_string())),
            Err(e) => Err(MailError::Transient(e.to_string())),
        }
    }
}
