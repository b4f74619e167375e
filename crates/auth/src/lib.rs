//! Authentication primitives, independent of any web framework: the password rule and
//! hashing (argon2id, PHC strings), session and CSRF tokens (random, stored only as hashes),
//! and login throttling ([`LoginThrottle`], a window per key, and [`Backoff`], progressive
//! delays per key).
//!
//! The web layer stores [`Token::hash`] in the database and gives [`Token::secret`] to the
//! browser in a cookie, so a leaked database does not leak usable sessions.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use blake2::{Blake2s256, Digest};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a password could not be set or a token made.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The password is too short.
    #[error("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください")]
    TooShort,
    /// The password is nothing but white space.
    #[error("空白だけのパスワードは使えません")]
    Blank,
    /// The operating system gave no randomness, or hashing failed.
    #[error("パスワードを処理できません: {0}")]
    Crypto(String),
}

/// The rule for a new password, the one place it is decided (the web's forms and the
/// `kaikaku user` command alike): at least [`MIN_PASSWORD_CHARS`] characters, and not white
/// space only (spaces, ideographic spaces U+3000, tabs, line breaks…).
///
/// Fails with [`AuthError::Blank`] or [`AuthError::TooShort`].
pub fn check_password(password: &str) -> Result<(), AuthError> {
    if password.trim().is_empty() {
        return Err(AuthError::Blank);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::TooShort);
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt, as a PHC string (`$argon2id$v=19$…`).
///
/// Fails when the password breaks [`check_password`], or when the system has no randomness.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    check_password(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Crypto(e.to_string()))
}

/// True when `password` matches the PHC string `hash`; false for a wrong password or a
/// malformed hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to compare against when a user does not exist, so that a login for an unknown name
/// takes as long as one with a wrong password.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb6pZt3Dm0i3O0eYjk1PiIzbo0dgTfsP/OsNPNyZyZU"
}

/// A random secret (256 bits, hex) and the hash under which it is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// What the browser holds (cookie value, form field).
    pub secret: String,
    /// What the database holds: [`token_hash`] of the secret.
    pub hash: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("secret", &"…")
            .field("hash", &self.hash)
            .finish()
    }
}

impl Token {
    /// A new random token. Fails only when the system has no randomness.
    pub fn generate() -> Result<Token, AuthError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| AuthError::Crypto(e.to_string()))?;
        let secret = hex(&bytes);
        let hash = token_hash(&secret);
        Ok(Token { secret, hash })
    }
}

/// The stored form of a token secret: BLAKE2s-256, hex.
pub fn token_hash(secret: &str) -> String {
    hex(&Blake2s256::digest(secret.as_bytes()))
}

/// Compares two strings in time that depends only on their lengths (CSRF tokens).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Limits failed logins per key (a user name, an address): after `max_failures` failures in
/// `window`, further attempts are refused until the oldest failure leaves the window.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// A throttle allowing `max_failures` failures per key in `window`.
    pub fn new(max_failures: usize, window: Duration) -> LoginThrottle {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` when `key` may try now, else how long to wait.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self.lock();
        let Some(times) = failures.get_mut(key) else {
            return Ok(());
        };
        times.retain(|t| now.saturating_duration_since(*t) < self.window);
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.iter().min().copied().unwrap_or(now);
        Err(self
            .window
            .saturating_sub(now.saturating_duration_since(oldest)))
    }

    /// Records a failed attempt for `key`.
    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut failures = self.lock();
        if failures.len() > 100_000 {
            // Bounded memory under a flood of distinct keys: forget the quiet ones.
            failures.retain(|_, times| {
                times
                    .iter()
                    .any(|t| now.saturating_duration_since(*t) < self.window)
            });
        }
        failures.entry(key.to_owned()).or_default().push(now);
    }

    /// Forgets the failures of `key` after a successful login.
    pub fn record_success(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Instant>>> {
        // A poisoned map only holds timestamps; keep using it.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Progressive delays per key (a user name at a client address): the first `free_failures`
/// failures cost nothing; from then on each failure makes the key wait before its next
/// attempt, `first_delay` after the first of them and twice as long after each further one,
/// at most `max_delay`. A key with no failure for `forget_after` starts afresh, and a
/// success forgets it at once. There is no lock: the wait after any failure is at most
/// `max_delay`, and other keys (the same name from another address) are not slowed at all.
#[derive(Debug)]
pub struct Backoff {
    free_failures: u32,
    first_delay: Duration,
    max_delay: Duration,
    forget_after: Duration,
    failures: Mutex<HashMap<String, Failures>>,
}

/// The failures of one key.
#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Backoff {
    /// Delays after `free_failures` failures, from `first_delay` doubling up to `max_delay`;
    /// a key is forgotten after `4 × max_delay` without a failure.
    pub fn new(free_failures: u32, first_delay: Duration, max_delay: Duration) -> Backoff {
        Backoff {
            free_failures,
            first_delay,
            max_delay,
            forget_after: max_delay.saturating_mul(4),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long a key must wait after its `count`-th failure in a row.
    pub fn delay_after(&self, count: u32) -> Duration {
        if count < self.free_failures {
            return Duration::ZERO;
        }
        let doublings = (count - self.free_failures).min(31);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }

    /// `Ok` when `key` may try now, else how long to wait.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let failures = self.lock();
        let Some(entry) = failures.get(key) else {
            return Ok(());
        };
        let wait = self
            .delay_after(entry.count)
            .saturating_sub(now.saturating_duration_since(entry.last));
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    /// Records a failed attempt for `key`.
    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut failures = self.lock();
        if failures.len() > 100_000 {
            // Bounded memory under a flood of distinct keys: forget the quiet ones.
            failures
                .retain(|_, entry| now.saturating_duration_since(entry.last) < self.forget_after);
        }
        let forget_after = self.forget_after;
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.saturating_duration_since(entry.last) >= forget_after {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// Forgets the failures of `key` after a successful attempt.
    pub fn record_success(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A poisoned map only holds counts and timestamps; keep using it.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("とても長い合言葉です").expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$"));
        assert!(verify_password("とても長い合言葉です", &hash));
        assert!(!verify_password("とても長い合言葉でず", &hash));
        assert!(!verify_password("anything", "not a hash"));
        let again = hash_password("とても長い合言葉です").expect("hashes");
        assert_ne!(hash, again, "a fresh salt every time");
        assert!(matches!(hash_password("short"), Err(AuthError::TooShort)));
        assert!(!verify_password("whatever-password", dummy_hash()));
    }

    #[test]
    fn blank_passwords_are_refused_whatever_their_length() {
        for blank in [
            "",
            " ",
            &" ".repeat(10),
            &"\u{3000}".repeat(12),
            " \t\n \r\n   ",
        ] {
            let error = hash_password(blank).expect_err("blank");
            assert!(matches!(error, AuthError::Blank), "{blank:?}");
            assert_eq!(error.to_string(), "空白だけのパスワードは使えません");
        }
        assert!(check_password("  spaced out pass  ").is_ok());
        assert!(matches!(
            check_password("  short "),
            Err(AuthError::TooShort)
        ));
    }

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = Token::generate().expect("randomness");
        let b = Token::generate().expect("randomness");
        assert_eq!(a.secret.len(), 64);
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.hash, token_hash(&a.secret));
        assert_ne!(a.hash, a.secret);
        assert!(!format!("{a:?}").contains(&a.secret));
        assert_eq!(
            token_hash("abc"),
            "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"
        );
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn throttling() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(throttle.check("suzuki", t0), Ok(()), "attempt {i}");
            throttle.record_failure("suzuki", t0);
        }
        let wait = throttle
            .check("suzuki", t0 + Duration::from_secs(10))
            .expect_err("throttled");
        assert_eq!(wait, Duration::from_secs(50));
        assert_eq!(throttle.check("tanaka", t0), Ok(()), "per key");
        assert_eq!(
            throttle.check("suzuki", t0 + Duration::from_secs(61)),
            Ok(())
        );
        throttle.record_failure("tanaka", t0);
        throttle.record_success("tanaka");
        assert_eq!(throttle.check("tanaka", t0), Ok(()));
    }

    #[test]
    fn backoff_doubles_the_wait_up_to_the_cap_and_never_locks() {
        let backoff = Backoff::new(3, Duration::from_secs(5), Duration::from_secs(15 * 60));
        let delays: Vec<u64> = (1..=12).map(|n| backoff.delay_after(n).as_secs()).collect();
        assert_eq!(
            delays,
            vec![0, 0, 5, 10, 20, 40, 80, 160, 320, 640, 900, 900]
        );
        assert_eq!(backoff.delay_after(u32::MAX), Duration::from_secs(900));

        let t0 = Instant::now();
        let key = "admin\n192.0.2.1";
        for i in 0..2 {
            backoff.record_failure(key, t0);
            assert_eq!(backoff.check(key, t0), Ok(()), "failure {i} is free");
        }
        backoff.record_failure(key, t0);
        assert_eq!(backoff.check(key, t0), Err(Duration::from_secs(5)));
        assert_eq!(
            backoff.check(key, t0 + Duration::from_secs(2)),
            Err(Duration::from_secs(3))
        );
        assert_eq!(backoff.check(key, t0 + Duration::from_secs(5)), Ok(()));
        // Another key (the same name elsewhere) is not slowed.
        assert_eq!(backoff.check("admin\n198.51.100.7", t0), Ok(()));

        // Many failures: the wait stays at the cap, counted from the last failure.
        let mut now = t0;
        for _ in 0..40 {
            now += backoff.check(key, now).err().unwrap_or_default();
            backoff.record_failure(key, now);
        }
        assert_eq!(backoff.check(key, now), Err(Duration::from_secs(900)));
        assert_eq!(backoff.check(key, now + Duration::from_secs(900)), Ok(()));
        // A quiet hour starts afresh: the next failure is free again.
        let later = now + Duration::from_secs(3600);
        backoff.record_failure(key, later);
        assert_eq!(backoff.check(key, later), Ok(()));
        backoff.record_success(key);
        assert_eq!(backoff.check(key, later), Ok(()));
    }
}
