//! One honest explanation and one fake per teach-back rule added for the blind sets 18–24:
//! each rule must reject its fake and leave the honest explanation of the same action alone.
//! The figures over whole corpora are in `teach_back_adversary.rs`.

use attesta_core::challenge::{ChallengeOptions, Expected, generate, rules_verdict};
use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, ChallengeType};
use serde_json::{Value, json};

fn ctx(name: &str, kwargs: Value) -> ActionContext {
    let mut ctx = ActionContext::new(name);
    if let Value::Object(map) = kwargs {
        for (k, v) in map {
            ctx = ctx.with_kwarg(&k, v);
        }
    }
    ctx
}

/// The rules' reason to reject `text`, or `None` when they accept it. The learned second
/// reading, which may add or overrule a doubt, is measured over whole corpora instead
/// (`examples/train_teach_back_model`).
fn judge(ctx: &ActionContext, text: &str) -> Option<String> {
    let assessment = DefaultRiskScorer::new().score(ctx);
    let (_, key) = generate(
        ctx,
        &assessment,
        &ChallengeOptions::new(ChallengeType::TeachBack, 1),
    );
    let Expected::TeachBack(key) = &key.expected else {
        panic!("a teach-back key");
    };
    rules_verdict(key, text)
}

/// The rules pass `honest` and reject `fake` themselves (not by its length).
fn pair(ctx: &ActionContext, honest: &str, fake: &str) {
    let h = judge(ctx, honest);
    assert!(h.is_none(), "honest rejected: {honest}: {h:?}");
    let f = judge(ctx, fake);
    assert!(f.is_some(), "fake accepted by the rules: {fake}: {f:?}");
    assert!(
        !f.as_deref().is_some_and(|r| r.contains(" words; at least")),
        "fake too short to test a rule: {fake}"
    );
}

#[test]
fn something_included_said_to_stay() {
    let c = ctx(
        "Bash",
        json!({"command": "kubectl delete namespace staging-payments --context prod-eu"}),
    );
    pair(
        &c,
        "Deletes the whole staging-payments namespace on the prod-eu cluster context, with every pod, service and secret in it.",
        "Deletes only the pods in the staging-payments namespace; Kubernetes will restart them and the namespace stays.",
    );
}

#[test]
fn record_states_told_the_other_way() {
    let c = ctx(
        "salesforce_update_record",
        json!({"object": "Opportunity", "id": "0065g00000XyZ12AAB", "fields": {"StageName": "Closed Lost", "Amount": 0}}),
    );
    pair(
        &c,
        "Marks Salesforce opportunity 0065g00000XyZ12AAB as Closed Lost and sets its amount to zero, so it drops out of the pipeline.",
        "Marks opportunity 0065g00000XyZ12AAB as Closed Won in Salesforce and keeps its amount so it counts as booked revenue.",
    );
}

#[test]
fn filtered_action_told_as_every_value() {
    let c = ctx(
        "mcp__postgres__query",
        json!({"sql": "DELETE FROM orders WHERE created_at < '2023-01-01' AND status = 'cancelled';"}),
    );
    pair(
        &c,
        "Deletes the cancelled orders created before 1 January 2023 from the orders table; they cannot be recovered afterwards.",
        "Deletes every order created before 1 January 2023 from the orders table, whatever its status is, including completed ones.",
    );
}

#[test]
fn substitution_told_backwards() {
    let c = ctx(
        "Bash",
        json!({"command": "sed -i 's/DEBUG=false/DEBUG=true/' /etc/myapp/app.env"}),
    );
    pair(
        &c,
        "Edits /etc/myapp/app.env in place and switches DEBUG=false to DEBUG=true, so the app runs with debug mode turned on.",
        "Edits /etc/myapp/app.env in place and switches DEBUG=true to DEBUG=false, so debug mode will be turned off for the app.",
    );
}

#[test]
fn update_set_over_where_told_backwards() {
    let c = ctx(
        "mcp__postgres__query",
        json!({"sql": "UPDATE subscriptions SET plan = 'free', renews_at = NULL WHERE plan = 'pro' AND trial_ends_at < '2024-11-30';"}),
    );
    pair(
        &c,
        "Downgrades the pro subscriptions whose trial ended before 2024-11-30 to the free plan and clears their renewal date.",
        "Upgrades the free subscriptions whose trials ended before 2024-11-30 to the pro plan with a renewal date.",
    );
}

#[test]
fn milder_and_stronger_actions_of_one_family() {
    let archive = ctx(
        "slack_conversations_archive",
        json!({"channel": "C02LEGALHOLD", "channel_name": "legal-hold-2024"}),
    );
    pair(
        &archive,
        "Archives the #legal-hold-2024 channel in Slack, so nobody can post there any more while its history stays readable.",
        "Deletes the #legal-hold-2024 channel and all of its messages and files permanently from Slack, no way to get them back.",
    );
    let terminate = ctx(
        "aws_ec2_terminate_instances",
        json!({"region": "eu-west-1", "instance_ids": ["i-0a1b2c3d4e5f60718", "i-0f9e8d7c6b5a40312"]}),
    );
    pair(
        &terminate,
        "Terminates the two EC2 instances in Ireland (eu-west-1) for good; they cannot be started again and their disks go with them.",
        "Stops the two EC2 instances in eu-west-1 so we save money overnight; they can be started again tomorrow with their disks intact.",
    );
}

#[test]
fn open_to_everyone_told_as_limited() {
    let c = ctx(
        "gcp_compute_firewall_rules_create",
        json!({"project": "shop-prod-4471", "name": "allow-ssh-all", "network": "default", "direction": "INGRESS",
               "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]}),
    );
    pair(
        &c,
        "Creates firewall rule allow-ssh-all in shop-prod-4471 that opens SSH on port 22 of the default network to the whole internet.",
        "Opens TCP port 22 only to the office IP range on the default network of project shop-prod-4471 for SSH access.",
    );
}

#[test]
fn only_looking_for_an_action_that_removes() {
    let c = ctx(
        "Bash",
        json!({"command": "redis-cli -h cache-prod.k8s.local -n 0 FLUSHDB"}),
    );
    pair(
        &c,
        "Deletes every key in database 0 on the redis server cache-prod.k8s.local; the cached data there is gone at once.",
        "Shows how many keys there are in db 0 on cache-prod.k8s.local, read only, nothing is deleted.",
    );
}

#[test]
fn another_cloud_region() {
    let c = ctx(
        "Bash",
        json!({"command": "aws ec2 terminate-instances --region eu-west-1 --instance-ids i-0a1b2c3d4e5f60718 i-0f9e8d7c6b5a40392"}),
    );
    pair(
        &c,
        "Kills 2 ec2 boxes in the Ireland region for good, terminate not stop, so their root disks are usually gone too.",
        "Terminates the two EC2 instances i-0a1b2c3d4e5f60718 and i-0f9e8d7c6b5a40392, both of them in the us-east-1 region.",
    );
}

#[test]
fn targets_named_as_people_name_them() {
    // A branch by its last part, HEAD~n as n commits, opaque ids by their count.
    let push = ctx(
        "Bash",
        json!({"command": "git push --force origin feature/billing-v2"}),
    );
    assert_eq!(
        judge(
            &push,
            "basically shoves my local billing-v2 branch up to origin with --force so any commits other people pushed there get clobbered"
        ),
        None
    );
    let reset = ctx("Bash", json!({"command": "git reset --hard HEAD~3"}));
    assert_eq!(
        judge(
            &reset,
            "Moves the current branch back three commits and throws away those commits and every uncommitted change in the working tree."
        ),
        None
    );
    let wallet = ctx(
        "eth_send_transaction",
        json!({"from": "0x9f3C2a7B1e4D5c6F8a0b2C3d4E5f6A7b8C9d0E1F", "to": "0x4B0897b0513fdC7C541B6d9D7E929C4e5364D2dB",
               "value": "2.5", "unit": "ether", "chain_id": 1}),
    );
    assert_eq!(
        judge(
            &wallet,
            "Sends 2.5 ETH on Ethereum mainnet to 0x4B08...D2dB; once it is mined on-chain it cannot be reversed by anyone."
        ),
        None
    );
    assert!(
        judge(
            &wallet,
            "Sends 2.5 ETH on the Sepolia testnet to 0x4B08...D2dB so no real money is involved, it is just a test transfer."
        )
        .is_some()
    );
}

#[test]
fn list_markers_are_no_numbers() {
    let c = ctx(
        "kubectl",
        json!({"args": ["rollout", "undo", "deployment/web-frontend", "--to-revision=41", "-n", "production"]}),
    );
    assert_eq!(
        judge(
            &c,
            "Step 1: kubectl finds revision 41 of web-frontend in production. Step 2: it rolls the pods back to that revision, replacing the current version."
        ),
        None
    );
}

#[test]
fn a_whimsical_word_the_action_does_not_mention() {
    let c = ctx(
        "azure_vm_delete",
        json!({"resource_group": "rg-reporting-prod", "name": "vm-report-03"}),
    );
    pair(
        &c,
        "Deletes the virtual machine vm-report-03 in resource group rg-reporting-prod; the reports it served stop until it is rebuilt.",
        "Deletes vm-report-03 in rg-reporting-prod like a giraffe folding its laundry, the machine hums a lullaby and is gone.",
    );
}

#[test]
fn a_command_given_as_a_word_list_has_its_verb() {
    let c = ctx(
        "helm",
        json!({"args": ["rollback", "billing-api", "17", "-n", "payments"]}),
    );
    pair(
        &c,
        "Rolls the billing-api release in the payments namespace back to revision 17, undoing the releases after it.",
        "Upgrades the billing-api release in the payments namespace to revision 17, the newest chart we published.",
    );
}

#[test]
fn a_switch_edited_on_told_as_turned_off() {
    let c = ctx(
        "Edit",
        json!({"file_path": "/etc/ssh/sshd_config", "old_string": "X11Forwarding no", "new_string": "X11Forwarding yes"}),
    );
    pair(
        &c,
        "Edits /etc/ssh/sshd_config so X11Forwarding becomes yes, which enables X11 forwarding for ssh sessions on this host.",
        "Edits /etc/ssh/sshd_config to disable X11 forwarding for every ssh session, a small hardening of this host.",
    );
}

#[test]
fn a_refund_told_as_a_charge_and_a_send_as_a_receipt() {
    let refund = ctx(
        "stripe_create_refund",
        json!({"charge": "ch_3PqX81Lk", "amount_decimal": "64.20", "currency": "eur"}),
    );
    pair(
        &refund,
        "Refunds 64.20 euros of that charge ch_3PqX81Lk back to the customer's card through Stripe.",
        "Charges the customer another 64.20 euros on charge ch_3PqX81Lk through Stripe for the missing payment.",
    );
    let send = ctx(
        "kraken_withdraw",
        json!({"asset": "ETH", "amount": "2.5", "address": "0x3fA9c01B7d2E44a0c5E1b7D3a9F0e12C4b8d7A61"}),
    );
    pair(
        &send,
        "Withdraws 2.5 ETH from Kraken to the outside wallet 0x3fA9c01B7d2E44a0c5E1b7D3a9F0e12C4b8d7A61, so the coins leave our account.",
        "Receives 2.5 ETH from the wallet 0x3fA9c01B7d2E44a0c5E1b7D3a9F0e12C4b8d7A61 into our own Kraken account as a new deposit.",
    );
}

#[test]
fn an_age_filter_told_from_the_other_side() {
    let c = ctx(
        "jira_bulk_delete_issues",
        json!({"jql": "project = WEB AND status = Backlog AND updated < -180d", "count": 312}),
    );
    pair(
        &c,
        "Deletes the 312 WEB backlog issues that nobody has updated in the last 180 days, for good.",
        "Deletes the 312 WEB backlog issues that were updated within the last 180 days, the older ones stay.",
    );
    let dated = ctx(
        "execute_sql",
        json!({"database": "crm", "query": "DELETE FROM leads WHERE created_at < '2022-07-01';"}),
    );
    pair(
        &dated,
        "Deletes every lead in crm's leads table created before 1 July 2022; newer leads are not touched.",
        "Deletes the leads in crm's leads table that were created after 1 July 2022, the recent ones.",
    );
}

#[test]
fn an_open_ended_expiry_is_no_removal() {
    let c = ctx(
        "okta_add_user_to_group",
        json!({"user": "r.osei@fernhill.io", "group": "Finance-Admins", "expires_at": null}),
    );
    pair(
        &c,
        "Adds r.osei@fernhill.io to the Finance-Admins group in Okta, so the finance admin access is granted to them with no end date.",
        "Removes r.osei@fernhill.io from the Finance-Admins group in Okta, so the finance admin access is taken away.",
    );
}

#[test]
fn unlimited_allowances_are_stated_as_unlimited() {
    let c = ctx(
        "erc20_approve",
        json!({"token": "USDC", "spender": "0x1111111254EEB25477B68fb85Ed929f73A960582",
               "amount": "115792089237316195423570985008687907853269984665640564039457584007913129639935"}),
    );
    pair(
        &c,
        "Lets the spender contract 0x1111111254EEB25477B68fb85Ed929f73A960582 move an unlimited amount of this wallet's USDC whenever it wants, until the approval is revoked.",
        "Lets the spender contract 0x1111111254EEB25477B68fb85Ed929f73A960582 move at most 500 USDC out of this wallet, and the approval expires after that.",
    );
}
