//! The rules for users, shared by the admin page and the `kaikaku user` command: what a log-in
//! name and a department may be, which roles need a department, and the password hash.

use kaikaku_auth::AuthError;
use kaikaku_model::workflow::Role;
use kaikaku_store::NewUser;

/// The longest log-in name, in characters.
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
    /// The name has spaces or control characters.
    #[error("ユーザー名に空白や制御文字は使えません")]
    NameCharacters,
    /// An editor without a department.
    #[error("記入担当課のユーザーには課名が必要です")]
    DepartmentRequired,
    /// The department is too long.
    #[error("課名は{MAX_DEPARTMENT_CHARS}文字以内にしてください")]
    DepartmentTooLong,
    /// The password is too short, or could not be hashed.
    #[error(transparent)]
    Password(#[from] AuthError),
}

/// Checks a log-in name: 1 to [`MAX_NAME_CHARS`] characters, no white space or control
/// characters. Returns it unchanged.
///
/// Fails with the first rule broken.
pub fn check_name(name: &str) -> Result<&str, UserError> {
    if name.is_empty() {
        return Err(UserError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(UserError::NameTooLong);
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UserError::NameCharacters);
    }
    Ok(name)
}

/// The department to store for `role`: trimmed, `None` when empty. Editors need one.
///
/// Fails with [`UserError::DepartmentRequired`] for an editor without one, and
/// [`UserError::DepartmentTooLong`].
pub fn check_department(role: Role, department: Option<&str>) -> Result<Option<String>, UserError> {
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    if department.is_some_and(|d| d.chars().count() > MAX_DEPARTMENT_CHARS) {
        return Err(UserError::DepartmentTooLong);
    }
    if role == Role::Editor && department.is_none() {
        return Err(UserError::DepartmentRequired);
    }
    Ok(department.map(str::to_owned))
}

/// A user to create: the name and department checked, the password hashed (argon2id). Slow on
/// purpose (the hash); call it off the async threads.
///
/// Fails when a rule is broken or the password is shorter than
/// [`kaikaku_auth::MIN_PASSWORD_CHARS`].
pub fn new_user(
    name: &str,
    role: Role,
    department: Option<&str>,
    password: &str,
) -> Result<NewUser, UserError> {
    let name = check_name(name)?.to_owned();
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
    fn names() {
        assert!(check_name("editor-somu").is_ok());
        assert!(check_name("総務課担当").is_ok());
        assert!(matches!(check_name(""), Err(UserError::EmptyName)));
        assert!(matches!(check_name("a b"), Err(UserError::NameCharacters)));
        assert!(matches!(
            check_name("a\u{3000}b"),
            Err(UserError::NameCharacters)
        ));
        assert!(matches!(check_name("a\tb"), Err(UserError::NameCharacters)));
        assert!(matches!(
            check_name(&"x".repeat(65)),
            Err(UserError::NameTooLong)
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
    fn a_short_password_is_refused_with_the_auth_message() {
        let error = new_user("someone", Role::Reviewer, None, "short").expect_err("too short");
        assert_eq!(error.to_string(), "パスワードは10文字以上にしてください");
    }
}
