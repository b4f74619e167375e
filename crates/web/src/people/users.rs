//! The rules for users, shared by the admin page and the `kaikaku user` command: what a log-in
//! name and a department may be, which roles need a department, and the password hash.
//!
//! # User names
//!
//! A name is stored in Unicode normalisation form NFKC ([`user_name`]): `ａｄｍｉｎ` is stored,
//! and logged in with, as `admin` ([`login_name`]). After normalising, a name is refused when
//! it
//! - is empty or longer than [`MAX_NAME_CHARS`] characters;
//! - holds a character that shows nothing or moves the text: white space (also leading or
//!   trailing), control characters (Cc), format characters (Cf: U+200B zero-width space,
//!   U+200D, U+FEFF, the bidi controls U+202A–U+202E and U+2066–U+2069…), unassigned or
//!   private-use code points, line and paragraph separators, and the other default-ignorable
//!   characters (variation selectors, U+034F, the Hangul fillers);
//! - mixes letters of two of the scripts Latin, Greek and Cyrillic, whose letters look alike
//!   (Cyrillic `а` in `аdmin`). Other scripts mix freely: `総務課-tanaka`, `さとう2`;
//! - equals an existing name when both are compared normalised and case-folded
//!   ([`name_key`], [`check_unique`]): `Admin` beside `admin`.

use kaikaku_auth::AuthError;
use kaikaku_model::workflow::Role;
use kaikaku_store::{NewUser, User};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The longest log-in name, in characters (after normalising).
pub const MAX_NAME_CHARS: usize = 64;
/// The longest department name, in characters.
pub const MAX_DEPARTMENT_CHARS: usize = 100;

/// Why a user cannot be created as asked. The messages are the Japanese sentences shown.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The name is empty.
    #[error("ユーザー名を入力してください")]
    EmptyName,
    /// The name is too long.
    #[error("ユーザー名は{MAX_NAME_CHARS}文字以内にしてください")]
    NameTooLong,
    /// The name has white space, control characters or other invisible characters.
    #[error("ユーザー名に空白、制御文字や見えない文字（ゼロ幅スペースなど）は使えません")]
    NameCharacters,
    /// The name mixes Latin, Greek or Cyrillic letters.
    #[error(
        "ユーザー名にラテン文字（英字）とギリシャ文字・キリル文字を混ぜることはできません（見分けにくい名前になるため）"
    )]
    MixedScripts,
    /// The name is taken as it is.
    #[error("ユーザー名「{name}」はすでに使われています")]
    Taken {
        /// The name.
        name: String,
    },
    /// The name differs from an existing one only in case or width.
    #[error("ユーザー名「{name}」は登録済みの「{existing}」と見分けにくいため使えません")]
    Confusable {
        /// The name asked for.
        name: String,
        /// The existing name it is confused with.
        existing: String,
    },
    /// An editor without a department.
    #[error("記入担当課のユーザーには課名が必要です")]
    DepartmentRequired,
    /// The department is too long.
    #[error("課名は{MAX_DEPARTMENT_CHARS}文字以内にしてください")]
    DepartmentTooLong,
    /// The department has control characters.
    #[error("課名に制御文字は使えません")]
    DepartmentCharacters,
    /// The password is too short, blank, or could not be hashed.
    #[error(transparent)]
    Password(#[from] AuthError),
}

/// A log-in name as stored: `typed` in NFKC, checked against the rules of the module
/// documentation (all but uniqueness, [`check_unique`]).
///
/// Fails with the first rule broken.
pub fn user_name(typed: &str) -> Result<String, UserError> {
    let name = login_name(typed);
    if name.is_empty() {
        return Err(UserError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(UserError::NameTooLong);
    }
    if name.chars().any(is_invisible) {
        return Err(UserError::NameCharacters);
    }
    let mut scripts = name.chars().filter_map(confusable_script);
    if let Some(first) = scripts.next() {
        if scripts.any(|script| script != first) {
            return Err(UserError::MixedScripts);
        }
    }
    Ok(name)
}

/// The name a log-in looks up: what was typed, in NFKC (never refused: a name that breaks
/// the rules simply finds no user).
pub fn login_name(typed: &str) -> String {
    typed.nfkc().collect()
}

/// The key two names are compared by: NFKC, case-folded (lower case), NFKC again.
pub fn name_key(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    folded.nfkc().collect()
}

/// `Ok` when `name` (already through [`user_name`]) is unlike every name in `existing`.
///
/// Fails with [`UserError::Taken`] for an equal name, [`UserError::Confusable`] for one
/// equal by [`name_key`].
pub fn check_unique(name: &str, existing: &[User]) -> Result<(), UserError> {
    let key = name_key(name);
    match existing.iter().find(|user| name_key(&user.name) == key) {
        None => Ok(()),
        Some(user) if user.name == name => Err(UserError::Taken {
            name: name.to_owned(),
        }),
        Some(user) => Err(UserError::Confusable {
            name: name.to_owned(),
            existing: user.name.clone(),
        }),
    }
}

/// True for a character that shows nothing, or changes how the text around it shows.
fn is_invisible(c: char) -> bool {
    use GeneralCategory as G;
    matches!(
        c.general_category(),
        G::Control
            | G::Format
            | G::Unassigned
            | G::PrivateUse
            | G::Surrogate
            | G::SpaceSeparator
            | G::LineSeparator
            | G::ParagraphSeparator
    ) || c.is_whitespace()
        || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// The scripts whose letters are confused with each other's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

/// The script of a letter of Latin, Greek or Cyrillic; `None` for anything else (digits,
/// punctuation, kanji, kana…).
fn confusable_script(c: char) -> Option<Script> {
    match c {
        'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            Some(Script::Latin)
        }
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(Script::Greek),
        '\u{0400}'..='\u{052F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Some(Script::Cyrillic),
        _ => None,
    }
    .filter(|_| c.is_alphabetic())
}

/// Checks a department: at most [`MAX_DEPARTMENT_CHARS`] characters, no control characters.
/// See [`check_department`].
fn department_characters(department: &str) -> Result<(), UserError> {
    if department.chars().count() > MAX_DEPARTMENT_CHARS {
        return Err(UserError::DepartmentTooLong);
    }
    if department.chars().any(char::is_control) {
        return Err(UserError::DepartmentCharacters);
    }
    Ok(())
}

/// The department to store for `role`: trimmed, `None` when empty. Editors need one.
///
/// Fails with [`UserError::DepartmentRequired`] for an editor without one,
/// [`UserError::DepartmentTooLong`] and [`UserError::DepartmentCharacters`].
pub fn check_department(role: Role, department: Option<&str>) -> Result<Option<String>, UserError> {
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    if let Some(department) = department {
        department_characters(department)?;
    }
    if role == Role::Editor && department.is_none() {
        return Err(UserError::DepartmentRequired);
    }
    Ok(department.map(str::to_owned))
}

/// A user to create: the name normalised and checked ([`user_name`]; uniqueness is
/// [`check_unique`]'s), the department checked, the password hashed (argon2id). Slow on
/// purpose (the hash); call it off the async threads.
///
/// Fails when a rule is broken or the password breaks [`kaikaku_auth::check_password`].
pub fn new_user(
    name: &str,
    role: Role,
    department: Option<&str>,
    password: &str,
) -> Result<NewUser, UserError> {
    let name = user_name(name)?;
    let department = check_department(role, department)?;
    let password_hash = kaikaku_auth::hash_password(password)?;
    Ok(NewUser {
        name,
        role,
        department,
        password_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stored_in_nfkc() {
        for (typed, stored) in [
            ("editor-somu", "editor-somu"),
            ("総務課担当", "総務課担当"),
            ("ａｄｍｉｎ", "admin"),
            ("ｻﾄｳ", "サトウ"),
            ("総務課-tanaka", "総務課-tanaka"),
            ("さとう２", "さとう2"),
            ("Ωμέγα-2", "Ωμέγα-2"),
            ("админ", "админ"),
            ("café", "café"),
        ] {
            assert_eq!(user_name(typed).ok().as_deref(), Some(stored), "{typed}");
        }
        // NFKC composes: an e with a combining accent is the same name as é.
        assert_eq!(user_name("cafe\u{301}").ok().as_deref(), Some("café"));
        assert_eq!(login_name("ａｄｍｉｎ"), "admin");
    }

    #[test]
    fn invisible_characters_are_refused() {
        for name in [
            "a b",
            " admin",
            "admin ",
            "a\u{3000}b",
            "a\tb",
            "admin\u{200B}",
            "ad\u{200D}min",
            "\u{FEFF}admin",
            "admin\u{202E}",
            "admin\u{2066}",
            "admin\u{00AD}",
            "admin\u{1b}",
            "admin\u{0}",
            "admin\u{85}",
            "admin\u{2028}",
            "admin\u{FE0F}",
            "admin\u{3164}",
            "admin\u{E000}",
            "admin\u{0378}",
        ] {
            assert!(
                matches!(user_name(name), Err(UserError::NameCharacters)),
                "{name:?}: {:?}",
                user_name(name)
            );
        }
        assert!(matches!(user_name(""), Err(UserError::EmptyName)));
        assert!(matches!(
            user_name(&"x".repeat(65)),
            Err(UserError::NameTooLong)
        ));
        // The limit counts the normalised name: ㍻ is 平成.
        assert!(matches!(
            user_name(&"㍻".repeat(33)),
            Err(UserError::NameTooLong)
        ));
    }

    #[test]
    fn latin_mixed_with_cyrillic_or_greek_is_refused() {
        for name in [
            "\u{0430}dmin",
            "admin\u{0456}",
            "p\u{03B1}ypal",
            "\u{0391}\u{0430}",
        ] {
            let error = user_name(name).expect_err(name);
            assert!(matches!(error, UserError::MixedScripts), "{name}");
        }
        assert_eq!(
            UserError::MixedScripts.to_string(),
            "ユーザー名にラテン文字（英字）とギリシャ文字・キリル文字を混ぜることはできません（見分けにくい名前になるため）"
        );
    }

    #[test]
    fn names_equal_after_folding_collide() {
        let existing = |names: &[&str]| -> Vec<User> {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| User {
                    id: i64::try_from(i).unwrap_or_default() + 1,
                    name: (*name).to_owned(),
                    role: Role::Reviewer,
                    department: None,
                    password_hash: String::new(),
                    created_at: chrono::DateTime::UNIX_EPOCH,
                })
                .collect()
        };
        let users = existing(&["admin", "サトウ", "ＯＬＤ"]);
        assert_eq!(name_key("ＡＤＭＩＮ"), "admin");
        assert!(check_unique("suzuki", &users).is_ok());
        assert_eq!(
            check_unique("admin", &users).map_err(|e| e.to_string()),
            Err("ユーザー名「admin」はすでに使われています".to_owned())
        );
        assert_eq!(
            check_unique("Admin", &users).map_err(|e| e.to_string()),
            Err("ユーザー名「Admin」は登録済みの「admin」と見分けにくいため使えません".to_owned())
        );
        let typed = user_name("ｻﾄｳ").expect("a name");
        assert!(matches!(
            check_unique(&typed, &users),
            Err(UserError::Taken { .. })
        ));
        // A name stored before normalisation still collides.
        assert!(matches!(
            check_unique("old", &users),
            Err(UserError::Confusable { .. })
        ));
    }

    #[test]
    fn editors_need_a_department() {
        assert!(matches!(
            check_department(Role::Editor, Some("  ")),
            Err(UserError::DepartmentRequired)
        ));
        assert_eq!(
            check_department(Role::Editor, Some(" 総務課 "))
                .ok()
                .flatten(),
            Some("総務課".to_owned())
        );
        assert_eq!(check_department(Role::Reviewer, None).ok().flatten(), None);
        assert_eq!(
            check_department(Role::Admin, Some("政策課")).ok().flatten(),
            Some("政策課".to_owned())
        );
    }

    #[test]
    fn a_short_or_blank_password_is_refused_with_the_auth_message() {
        let error = new_user("someone", Role::Reviewer, None, "short").expect_err("too short");
        assert_eq!(error.to_string(), "パスワードは10文字以上にしてください");
        let error = new_user("someone", Role::Reviewer, None, &" ".repeat(10)).expect_err("blank");
        assert_eq!(error.to_string(), "空白だけのパスワードは使えません");
    }

    #[test]
    fn departments_refuse_control_characters() {
        assert!(matches!(
            check_department(Role::Editor, Some("総務課\u{1b}]0;x\u{7}")),
            Err(UserError::DepartmentCharacters)
        ));
    }
}
