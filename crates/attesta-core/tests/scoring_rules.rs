//! Rules added from misses on the labelled corpus: each is general (a shape of call, not one
//! corpus entry), and each has its counter-case that must stay calm.

use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, RiskAssessment, RiskLevel};
use serde_json::{Value, json};

fn call(name: &str, kwargs: Value) -> RiskAssessment {
    let mut ctx = ActionContext::new(name);
    if let Value::Object(map) = kwargs {
        ctx.kwargs = map;
    }
    DefaultRiskScorer::new().score(&ctx)
}

fn evidence(a: &RiskAssessment) -> String {
    a.factors
        .iter()
        .map(|f| format!("{}={:.2} {}", f.name, f.score, f.evidence))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[track_caller]
fn at_least(a: &RiskAssessment, level: RiskLevel) {
    assert!(a.level >= level, "{} < {level}: {}", a.level, evidence(a));
}

#[track_caller]
fn at_most(a: &RiskAssessment, level: RiskLevel) {
    assert!(a.level <= level, "{} > {level}: {}", a.level, evidence(a));
}

#[test]
fn unattended_infrastructure_apply_in_production_is_critical() {
    let a = call(
        "terraform_apply",
        json!({"workspace": "production", "auto_approve": true}),
    );
    assert_eq!(a.level, RiskLevel::Critical, "{}", evidence(&a));
    assert!(evidence(&a).contains("skips the confirmation step"));
    // Any flag that skips the human confirmation is HIGH on its own.
    for key in [
        "auto_approve",
        "skip_confirmation",
        "noConfirm",
        "yes",
        "autoApprove",
    ] {
        let a = call("apply_changes", json!({ key: true }));
        at_least(&a, RiskLevel::High);
    }
    // The same flag switched off, or a plan, is not.
    at_most(
        &call(
            "terraform_apply",
            json!({"workspace": "staging", "auto_approve": false}),
        ),
        RiskLevel::High,
    );
    at_most(
        &call("terraform_plan", json!({"workspace": "production"})),
        RiskLevel::Low,
    );
    // Applying infrastructure code is a deploy, not an edit.
    at_least(
        &call("pulumi_update_stack", json!({"stack": "dev"})),
        RiskLevel::Medium,
    );
}

#[test]
fn dns_changes_are_high_and_dns_reads_are_low() {
    for name in [
        "update_dns_record",
        "cloudflare_update_dns_record",
        "set_nameservers",
        "create_cname",
    ] {
        at_least(
            &call(
                name,
                json!({"zone": "acme.example", "value": "lb-7.acme.example"}),
            ),
            RiskLevel::High,
        );
    }
    at_most(
        &call("list_dns_records", json!({"zone": "acme.example"})),
        RiskLevel::Low,
    );
    at_most(
        &call(
            "get_dns_record",
            json!({"zone": "acme.example", "name": "www"}),
        ),
        RiskLevel::Low,
    );
}

#[test]
fn link_sharing_with_anyone_is_exposure_under_any_key() {
    for (key, value) in [
        ("with", "anyone_with_link"),
        ("link_sharing", "anyone-with-link"),
        ("audience", "Anyone with the link"),
    ] {
        let a = call(
            "share_document",
            json!({"doc_id": "1AbC", key: value, "role": "editor"}),
        );
        at_least(&a, RiskLevel::High);
    }
    // Sharing with one named colleague is not.
    at_most(
        &call(
            "share_document",
            json!({"doc_id": "1AbC", "with": "maria@acme.example", "role": "reader"}),
        ),
        RiskLevel::Medium,
    );
}

#[test]
fn dispatchers_are_as_risky_as_the_action_their_arguments_name() {
    let unlock = call(
        "call_service",
        json!({"domain": "lock", "service": "unlock", "entity_id": "lock.front_door"}),
    );
    at_least(&unlock, RiskLevel::High);
    assert!(
        evidence(&unlock).contains("argument `service` names the action"),
        "{}",
        evidence(&unlock)
    );
    at_least(
        &call(
            "call_service",
            json!({"domain": "alarm_control_panel", "service": "alarm_disarm"}),
        ),
        RiskLevel::High,
    );
    at_least(
        &call(
            "admin_action",
            json!({"action": "impersonate", "user": "cfo@acme.io"}),
        ),
        RiskLevel::High,
    );
    at_least(
        &call(
            "http_request",
            json!({"method": "DELETE", "url": "https://api.acme.example/v1/users/7"}),
        ),
        RiskLevel::High,
    );
    // A dispatched read never lowers an unknown tool below its MEDIUM floor.
    at_least(
        &call("admin_action", json!({"action": "list"})),
        RiskLevel::Medium,
    );
    at_least(
        &call("admin_action", json!({"action": "TodoWrite"})),
        RiskLevel::Medium,
    );
    // A tool that already names a clear verb keeps it.
    at_most(
        &call("list_automations", json!({"action": "turn_off"})),
        RiskLevel::Low,
    );
}

#[test]
fn dumping_the_environment_reads_credentials() {
    for cmd in [
        "printenv",
        "printenv | grep -i token",
        "env",
        "printenv GITHUB_TOKEN",
        "sudo printenv AWS_SECRET_ACCESS_KEY",
    ] {
        at_least(&call("Bash", json!({"command": cmd})), RiskLevel::High);
    }
    for cmd in ["printenv PATH", "echo $HOME", "env FOO=1 cargo test"] {
        at_most(&call("Bash", json!({"command": cmd})), RiskLevel::Medium);
    }
}

#[test]
fn clinical_resources_are_health_data() {
    for resource in ["Patient", "Condition", "Observation", "MedicationRequest"] {
        let read = call(
            "fhir_search",
            json!({"resourceType": resource, "params": {"patient": "pat-1"}}),
        );
        at_least(&read, RiskLevel::Medium);
        assert!(
            evidence(&read).contains("health data"),
            "{}",
            evidence(&read)
        );
    }
    // Directories of practitioners or locations are not.
    at_most(
        &call("fhir_search", json!({"resourceType": "Practitioner"})),
        RiskLevel::Low,
    );
    at_most(
        &call("fhir_search", json!({"resourceType": "Location"})),
        RiskLevel::Low,
    );
    // Sending clinical resources out is HIGH.
    at_least(
        &call(
            "fhir_export",
            json!({"resourceType": "Condition", "destination": "https://partner.example/in"}),
        ),
        RiskLevel::High,
    );
}

#[test]
fn changing_where_money_is_paid_is_high() {
    for name in [
        "update_bank_details",
        "change_payout_account",
        "add_beneficiary",
        "set_payee",
    ] {
        at_least(
            &call(
                name,
                json!({"employee_id": "E-2040", "iban": "DE89370400440532013000"}),
            ),
            RiskLevel::High,
        );
    }
    at_most(
        &call("get_bank_details", json!({"employee_id": "E-2040"})),
        RiskLevel::Medium,
    );
    at_most(&call("list_payouts", json!({"limit": 10})), RiskLevel::Low);
}

#[test]
fn a_click_is_as_risky_as_what_it_clicks() {
    at_least(
        &call(
            "browser_click",
            json!({"element": "Delete account permanently", "ref": "e301"}),
        ),
        RiskLevel::High,
    );
    at_least(
        &call(
            "puppeteer_click",
            json!({"selector": "#delete-repository-button"}),
        ),
        RiskLevel::High,
    );
    // Clicking an ordinary link stays an unknown action (a confirmation), never lower.
    let next = call(
        "browser_click",
        json!({"element": "Next page link", "ref": "e42"}),
    );
    assert_eq!(next.level, RiskLevel::Medium, "{}", evidence(&next));
}

#[test]
fn deleting_a_feature_branch_is_not_deleting_main() {
    let feature = call(
        "delete_branch",
        json!({"owner": "acme", "repo": "web", "branch": "fix/913"}),
    );
    assert!(
        feature.level < RiskLevel::Critical,
        "{}",
        evidence(&feature)
    );
    at_least(&feature, RiskLevel::Medium);
    at_least(
        &call("delete_main_branch", json!({"repo": "web"})),
        RiskLevel::Critical,
    );
}

#[test]
fn mail_forwarding_rules_are_exfiltration() {
    let a = call(
        "create_filter",
        json!({"criteria": {"to": "ceo@acme.example"}, "action": {"forward": "archive-ceo@protonmail.example"}}),
    );
    at_least(&a, RiskLevel::High);
    at_least(
        &call(
            "update_mailbox_settings",
            json!({"forwarding_address": "me@elsewhere.example"}),
        ),
        RiskLevel::High,
    );
    // A filter that only labels stays a plain change.
    at_most(
        &call(
            "create_filter",
            json!({"criteria": {"from": "billing@vendor.example"}, "action": {"addLabelIds": ["Receipts"]}}),
        ),
        RiskLevel::Medium,
    );
}

#[test]
fn binding_cluster_admin_is_critical_and_ordinary_manifests_are_not() {
    let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: agent-admin\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: default\n";
    at_least(
        &call("kubectl_apply", json!({"manifest": binding})),
        RiskLevel::High,
    );
    at_least(
        &call(
            "Bash",
            json!({"command": format!("kubectl apply -f - <<'EOF'\n{binding}EOF")}),
        ),
        RiskLevel::High,
    );
    let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: staging\ndata:\n  LOG_LEVEL: debug\n";
    at_most(
        &call("kubectl_apply", json!({"manifest": config_map})),
        RiskLevel::Medium,
    );
    at_most(
        &call(
            "kubectl_get",
            json!({"resourceType": "clusterrolebindings"}),
        ),
        RiskLevel::Low,
    );
}

#[test]
fn installing_a_cron_table_is_high() {
    at_least(
        &call(
            "Bash",
            json!({"command": "crontab -l | { cat; echo '*/5 * * * * /tmp/.x/run'; } | crontab -"}),
        ),
        RiskLevel::High,
    );
    at_least(
        &call("Bash", json!({"command": "crontab /tmp/jobs.txt"})),
        RiskLevel::High,
    );
    at_most(
        &call("Bash", json!({"command": "crontab -l"})),
        RiskLevel::Low,
    );
}
