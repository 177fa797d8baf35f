//! Which environment the agent runs in: production, staging, ci or development.

/// Variables whose presence (with a truthy value) means a CI run.
const CI_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "JENKINS_URL",
    "CIRCLECI",
    "TRAVIS",
    "TF_BUILD",
    "BITBUCKET_BUILD_NUMBER",
    "TEAMCITY_VERSION",
    "DRONE",
    "CODEBUILD_BUILD_ID",
    "APPVEYOR",
    "SEMAPHORE",
    "BUILD_ID",
    "WOODPECKER",
];

/// Framework variables naming the environment, in order of precedence.
const FRAMEWORK_VARS: &[&str] = &[
    "NODE_ENV",
    "RAILS_ENV",
    "RACK_ENV",
    "APP_ENV",
    "FLASK_ENV",
    "DJANGO_ENV",
    "MIX_ENV",
    "ASPNETCORE_ENVIRONMENT",
    "ENVIRONMENT",
    "ENV",
    "DEPLOY_ENV",
    "STAGE",
];

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn truthy(value: &str) -> bool {
    !matches!(
        value.to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// Decides the environment from variables: `ATTESTA_ENV`, then CI variables, then framework
/// variables; nothing set means `development`. `lookup` reads a variable (`std::env::var(..).ok()`
/// in production code, a map in tests).
pub fn detect_environment(lookup: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(value) = non_empty(lookup("ATTESTA_ENV")) {
        return normalize_environment(&value);
    }
    if CI_VARS
        .iter()
        .any(|var| non_empty(lookup(var)).is_some_and(|v| truthy(&v)))
    {
        return "ci".to_owned();
    }
    for var in FRAMEWORK_VARS {
        if let Some(value) = non_empty(lookup(var)) {
            return normalize_environment(&value);
        }
    }
    "development".to_owned()
}

/// Canonical name: prod/production/live → production, stage/staging → staging,
/// dev/development/local → development, test/ci → ci; anything else lowercased as-is.
pub fn normalize_environment(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        "prod" | "production" | "live" | "prd" => "production".to_owned(),
        "stage" | "staging" | "stg" => "staging".to_owned(),
        "dev" | "development" | "local" | "develop" => "development".to_owned(),
        "test" | "testing" | "ci" => "ci".to_owned(),
        _ => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn detect(vars: &[(&str, &str)]) -> String {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        detect_environment(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn precedence_is_attesta_then_ci_then_framework() {
        assert_eq!(detect(&[]), "development");
        assert_eq!(detect(&[("NODE_ENV", "production")]), "production");
        assert_eq!(detect(&[("RAILS_ENV", "staging")]), "staging");
        assert_eq!(
            detect(&[("GITHUB_ACTIONS", "true"), ("NODE_ENV", "production")]),
            "ci"
        );
        assert_eq!(
            detect(&[("ATTESTA_ENV", "prod"), ("CI", "true")]),
            "production"
        );
        assert_eq!(
            detect(&[("CI", "false"), ("APP_ENV", "live")]),
            "production"
        );
        assert_eq!(
            detect(&[("ATTESTA_ENV", "  "), ("FLASK_ENV", "development")]),
            "development"
        );
        assert_eq!(detect(&[("ENV", "QA")]), "qa");
    }

    #[test]
    fn normalisation() {
        for (input, out) in [
            ("PROD", "production"),
            ("live", "production"),
            ("Stage", "staging"),
            ("local", "development"),
            ("test", "ci"),
            ("sandbox", "sandbox"),
        ] {
            assert_eq!(normalize_environment(input), out);
        }
    }
}
