//! Adversary suite for teach-backs over `corpus/teach_back.jsonl` (made by
//! `gen_challenge_corpus.py`): honest explanations in many styles and number formats must pass,
//! fakes (nonsense around key terms, negation, opposite direction, wrong amount or target,
//! argument dumps, repetition, vague approval) must fail, and no failure message may give away
//! a value of the action.
//!
//! Run with `cargo test -p attesta-core --test teach_back_adversary -- --nocapture` for the
//! figures published in docs/challenges.md. Targets: ≥ 97 % honest accepted, ≥ 99 % fakes
//! rejected, by the built-in validator alone.
//!
//! The built-in validator is the rules and, for what they accept, the learned second reading
//! (`src/challenge/second_reading.rs`), whose weights are learned from every corpus here: the
//! figures printed for these corpora are therefore in-sample for the second reading and are
//! not what to expect on new text. The honest estimate judges each blind set with a model
//! trained without it: `cargo run --release -p attesta-core --example train_teach_back_model`.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

#[allow(dead_code)]
#[path = "../examples/train_teach_back_model/trainer.rs"]
mod trainer;

use attesta_core::ActionContext;
use attesta_core::challenge::{Expected, Response, check};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    ctx: ActionContext,
    explanation: String,
    expected: bool,
    style: String,
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

struct Figures {
    honest_rate: f64,
    fake_rate: f64,
}

fn evaluate(label: &str, corpus: &str) -> Figures {
    evaluate_with(label, corpus, None)
}

/// [`evaluate`], with the policy's minimum number of words set to `min_words` when given.
fn evaluate_with(label: &str, corpus: &str, min_words: Option<u32>) -> Figures {
    let cases: Vec<Case> = corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid case"))
        .collect();
    let mut by_style: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut honest, mut honest_ok, mut fakes, mut fakes_caught) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for case in &cases {
        let mut key = trainer::answer_key(&case.ctx);
        if let (Some(min), Expected::TeachBack(k)) = (min_words, &mut key.expected) {
            k.min_words = min;
        }
        let result = check(
            &key,
            &Response::TeachBack(case.explanation.clone()),
            1e9,
            &[],
        )
        .expect("no lockout");
        if std::env::var("TEACH_BACK_DEBUG").is_ok_and(|ids| ids.split(',').any(|id| id == case.id))
        {
            println!("{}: {key:#?}\n{:?}", case.id, result.details);
        }
        if std::env::var("TEACH_BACK_BRIEF").is_ok_and(|ids| ids.split(',').any(|id| id == case.id))
            && let Expected::TeachBack(k) = &key.expected
        {
            let terms: Vec<String> = k
                .key_terms
                .iter()
                .map(|g| {
                    format!(
                        "{}{} {:?} {:?}",
                        if g.primary { "*" } else { "" },
                        g.label,
                        g.phrases,
                        g.stems
                    )
                })
                .collect();
            println!(
                "{} ({}): {}\n  consequences {:?} action {:?} command {:?} amounts {:?}\n  terms {terms:#?}\n  -> {:?}",
                case.id,
                k.min_words,
                case.explanation,
                k.consequences,
                k.action_tokens,
                k.command_tokens,
                k.amounts,
                result.details.get("reason")
            );
        }
        let style = case.style.split(':').next().unwrap_or("").to_owned();
        let entry = by_style
            .entry(format!(
                "{} {style}",
                if case.expected { "honest" } else { "fake" }
            ))
            .or_default();
        entry.0 += 1;
        let right = result.passed == case.expected;
        // `TEACH_BACK_ALL=1` lists every verdict (to see which rule judged which case).
        if std::env::var("TEACH_BACK_ALL").is_ok() {
            println!(
                "  case {} {} {:?}",
                case.id,
                case.expected,
                result.details.get("reason")
            );
        }
        if right {
            entry.1 += 1;
        } else {
            misses.push(format!(
                "{} [{}] {} -> {:?}",
                case.id,
                case.style,
                case.explanation,
                result.details.get("reason")
            ));
        }
        if case.expected {
            honest += 1;
            honest_ok += usize::from(result.passed);
        } else {
            fakes += 1;
            fakes_caught += usize::from(!result.passed);
            // The failure names what is missing, never the action's values.
            let reason = result
                .details
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            let mut values = Vec::new();
            strings(&case.ctx.arguments_value(), &mut values);
            // Words of the fixed failure messages ("name", "file", "value") are no leak.
            const MESSAGE_WORDS: &[&str] = &[
                "about",
                "action",
                "address",
                "affects",
                "amount",
                "arguments",
                "describe",
                "describes",
                "different",
                "does",
                "effect",
                "exactly",
                "explanation",
                "file",
                "folder",
                "full",
                "given",
                "happen",
                "itself",
                "kind",
                "least",
                "mention",
                "mostly",
                "much",
                "name",
                "names",
                "needed",
                "number",
                "once",
                "opposite",
                "part",
                "pastes",
                "really",
                "repeats",
                "says",
                "scope",
                "sentences",
                "something",
                "state",
                "states",
                "target",
                "than",
                "that",
                "this",
                "understates",
                "value",
                "what",
                "will",
                "words",
                "your",
                "host",
                "role",
                "environment",
                "approve",
                "reads",
                // Inside "reads": the message's own word, not the action's `read` permission.
                "read",
                "like",
                "misdescription",
                "doubtful",
                "plainly",
                "much",
            ];
            for v in values
                .iter()
                .filter(|v| v.len() >= 4 && !MESSAGE_WORDS.contains(&v.to_lowercase().as_str()))
            {
                assert!(
                    !reason.contains(&v.to_lowercase()),
                    "{}: reason {reason:?} reveals {v:?}",
                    case.id
                );
            }
        }
    }
    println!("\n{label}: {} cases", cases.len());
    for (style, (n, ok)) in &by_style {
        println!("  {style:<24} {ok:>3}/{n:<3} judged right");
    }
    let honest_rate = 100.0 * honest_ok as f64 / honest as f64;
    let fake_rate = 100.0 * fakes_caught as f64 / fakes as f64;
    println!(
        "honest accepted {honest_rate:.1} % ({honest_ok}/{honest}); fakes rejected {fake_rate:.1} % ({fakes_caught}/{fakes})"
    );
    for m in misses.iter().take(200) {
        println!("  miss {m}");
    }
    Figures {
        honest_rate,
        fake_rate,
    }
}

#[test]
fn honest_explanations_pass_and_fakes_fail() {
    let corpus = include_str!("corpus/teach_back.jsonl");
    assert!(corpus.lines().count() >= 300);
    let f = evaluate("teach-back corpus (generated)", corpus);
    assert!(
        f.honest_rate >= 97.0,
        "honest accepted {:.1} %",
        f.honest_rate
    );
    assert!(f.fake_rate >= 99.0, "fakes rejected {:.1} %", f.fake_rate);
}

/// Hand-written cases in wordings the generator never uses, over actions it never makes: a
/// check that the validator is not tuned to the generated corpus. Reported, with a looser bar.
#[test]
fn held_out_explanations() {
    let f = evaluate(
        "teach-back held-out (hand-written)",
        include_str!("corpus/teach_back_heldout.jsonl"),
    );
    assert!(
        f.honest_rate >= 80.0,
        "held-out honest accepted {:.1} %",
        f.honest_rate
    );
    assert!(
        f.fake_rate >= 80.0,
        "held-out fakes rejected {:.1} %",
        f.fake_rate
    );
    // A second batch, written after the validator was first finished; its first measurement
    // is in docs/challenges.md, general fixes followed from its failure classes.
    evaluate(
        "teach-back held-out 2 (hand-written)",
        include_str!("corpus/teach_back_heldout2.jsonl"),
    );
    // A third batch (176 cases, eleven domains, terse/long/non-native/typos/bullets, other
    // number formats), written before the validator changes; its first measurement is in
    // docs/challenges.md, general fixes followed from its failure classes.
    evaluate(
        "teach-back held-out 3 (hand-written)",
        include_str!("corpus/teach_back_heldout3.jsonl"),
    );
    // A fourth batch (64 cases, new actions), written after the changes that set 3 prompted;
    // its first measurement (before any change it prompted) is in docs/challenges.md.
    evaluate(
        "teach-back held-out 4 (hand-written)",
        include_str!("corpus/teach_back_heldout4.jsonl"),
    );
    // A fifth batch (26 cases), written before the last change (negated passive clauses) and
    // never tuned on.
    evaluate(
        "teach-back held-out 5 (hand-written)",
        include_str!("corpus/teach_back_heldout5.jsonl"),
    );
    // Sets 6 and 7 (174 and 178 cases, 91 actions across eleven domains) were written by
    // someone who never read the validator; both guided changes after their first
    // measurement (in docs/challenges.md). Set 8 was written the same way and only measured.
    evaluate(
        "teach-back held-out 6 (written blind)",
        include_str!("corpus/teach_back_heldout6.jsonl"),
    );
    evaluate(
        "teach-back held-out 7 (written blind)",
        include_str!("corpus/teach_back_heldout7.jsonl"),
    );
    evaluate(
        "teach-back held-out 8 (written blind)",
        include_str!("corpus/teach_back_heldout8.jsonl"),
    );
    // Set 9 (241 cases, 61 actions) was written blind after all of the above; its first
    // measurement was 79.5 % honest accepted, 71.4 % fakes rejected; it guided changes after
    // that.
    let unseen = evaluate(
        "teach-back held-out 9 (written blind)",
        include_str!("corpus/teach_back_heldout9.jsonl"),
    );
    assert!(unseen.honest_rate >= 75.0 && unseen.fake_rate >= 70.0);
    // Sets 10 and 11 (208 and 226 cases, 117 actions: Windows and cloud CLIs, HR, CRM,
    // banking, identity, smart home; and the assistant tasks public agent benchmarks record,
    // with injected recipients) were written blind after every change above. Their first
    // runs (81.7 / 68.3 % and 83.6 / 76.4 %) are the figures docs/challenges.md publishes for
    // unseen explanations; since then their failure classes (with those of sets 6–9) guided
    // general rules, so they no longer count as held out either.
    for (label, corpus) in [
        (
            "teach-back held-out 10 (written blind)",
            include_str!("corpus/teach_back_heldout10.jsonl"),
        ),
        (
            "teach-back held-out 11 (written blind)",
            include_str!("corpus/teach_back_heldout11.jsonl"),
        ),
    ] {
        let f = evaluate(label, corpus);
        assert!(f.honest_rate >= 70.0 && f.fake_rate >= 65.0, "{label}");
    }
    // Sets 12 and 13 (236 and 234 cases, 122 actions: shell, git, SQL, cloud, Kubernetes and CI;
    // money, messages, HR, health, CRM, travel, files and smart home, with injected-looking
    // recipients) were written blind after every change above, by someone who was not told of
    // the 15-word minimum: a fifth of the honest and most fake explanations are shorter. They
    // are measured as shipped (the minimum rejects the short ones, and the approver is told to
    // write more) and with the minimum lowered to one word, which measures the judgement alone.
    // Their first runs (as shipped 43.0 / 100 % and 31.7 / 99.2 %; judged alone 72.0 / 65.1 %
    // and 59.6 / 79.2 %) are their held-out figures; since then the misses of both, judged
    // alone, guided general rules (what the action's arguments mean: channels, copies, message
    // bodies, labels of opaque ids, refspecs, old and new values, filters), so they no longer
    // count as held out either.
    for (label, corpus) in [
        (
            "teach-back held-out 12 (written blind)",
            include_str!("corpus/teach_back_heldout12.jsonl"),
        ),
        (
            "teach-back held-out 13 (written blind)",
            include_str!("corpus/teach_back_heldout13.jsonl"),
        ),
    ] {
        let shipped = evaluate(label, corpus);
        assert!(shipped.fake_rate >= 95.0, "{label}");
        let judged = evaluate_with(&format!("{label}, minimum 1 word"), corpus, Some(1));
        // Floors below the figures now (88.8 / 83.7 % and 83.7 / 87.7 %): a regression fails.
        assert!(
            judged.honest_rate >= 78.0 && judged.fake_rate >= 75.0,
            "{label}"
        );
    }
    // Set 14 (260 cases, 70 actions across sixteen domains, every explanation at least 15 words,
    // fakes written to be fluent and on topic) was written blind after every change above and
    // first measured unseen (81.0 % honest accepted, 73.6 % fakes rejected).
    // Set 15 (235 cases, 63 actions: the assistant, coding-agent, MCP, support and cloud tasks
    // public agent benchmarks record, a third with injected or look-alike targets) likewise
    // (75.2 % / 70.8 %). Sets 14–16 then guided the last round (counts and durations in words,
    // schedules, weekdays, wildcard principals, cloud command lines, ways back, currencies of a
    // conversion, endless claims, "nothing is executed", age filters), so the floors below only
    // guard that round's figures; the first runs are the figures to expect on unseen text.
    for (label, corpus) in [
        (
            "teach-back held-out 14 (written blind)",
            include_str!("corpus/teach_back_heldout14.jsonl"),
        ),
        (
            "teach-back held-out 15 (written blind)",
            include_str!("corpus/teach_back_heldout15.jsonl"),
        ),
    ] {
        let guided = evaluate(label, corpus);
        assert!(
            guided.honest_rate >= 80.0 && guided.fake_rate >= 70.0,
            "{label}"
        );
    }
    // Set 16 (216 cases, 58 actions with counts, durations, schedules and amounts in many
    // forms) was written blind and first measured unseen (85.6 % / 76.5 %) before it guided
    // the last round with sets 14 and 15.
    let guided = evaluate(
        "teach-back held-out 16 (written blind)",
        include_str!("corpus/teach_back_heldout16.jsonl"),
    );
    assert!(guided.honest_rate >= 80.0 && guided.fake_rate >= 70.0);
    // Sets 17–54 were written blind, each measured on arrival before it guided anything
    // (docs/challenges.md has every first run). The floors sit below today's figures (lowest:
    // 62.6 % honest on set 36, mostly amounts in minor units), so a rule that costs any set
    // much fails here; fakes are in-sample for the second reading (see the top of this file).
    let mut below = Vec::new();
    for (label, corpus) in [
        (
            "teach-back held-out 17 (written blind)",
            include_str!("corpus/teach_back_heldout17.jsonl"),
        ),
        (
            "teach-back held-out 18 (written blind)",
            include_str!("corpus/teach_back_heldout18.jsonl"),
        ),
        (
            "teach-back held-out 19 (written blind)",
            include_str!("corpus/teach_back_heldout19.jsonl"),
        ),
        (
            "teach-back held-out 20 (written blind)",
            include_str!("corpus/teach_back_heldout20.jsonl"),
        ),
        (
            "teach-back held-out 21 (written blind)",
            include_str!("corpus/teach_back_heldout21.jsonl"),
        ),
        (
            "teach-back held-out 22 (written blind)",
            include_str!("corpus/teach_back_heldout22.jsonl"),
        ),
        (
            "teach-back held-out 23 (written blind)",
            include_str!("corpus/teach_back_heldout23.jsonl"),
        ),
        (
            "teach-back held-out 24 (written blind)",
            include_str!("corpus/teach_back_heldout24.jsonl"),
        ),
        (
            "teach-back held-out 25 (written blind)",
            include_str!("corpus/teach_back_heldout25.jsonl"),
        ),
        (
            "teach-back held-out 26 (written blind)",
            include_str!("corpus/teach_back_heldout26.jsonl"),
        ),
        (
            "teach-back held-out 27 (written blind)",
            include_str!("corpus/teach_back_heldout27.jsonl"),
        ),
        (
            "teach-back held-out 28 (written blind)",
            include_str!("corpus/teach_back_heldout28.jsonl"),
        ),
        (
            "teach-back held-out 29 (written blind)",
            include_str!("corpus/teach_back_heldout29.jsonl"),
        ),
        (
            "teach-back held-out 30 (written blind)",
            include_str!("corpus/teach_back_heldout30.jsonl"),
        ),
        (
            "teach-back held-out 31 (written blind)",
            include_str!("corpus/teach_back_heldout31.jsonl"),
        ),
        (
            "teach-back held-out 32 (written blind)",
            include_str!("corpus/teach_back_heldout32.jsonl"),
        ),
        (
            "teach-back held-out 33 (written blind)",
            include_str!("corpus/teach_back_heldout33.jsonl"),
        ),
        (
            "teach-back held-out 34 (written blind)",
            include_str!("corpus/teach_back_heldout34.jsonl"),
        ),
        (
            "teach-back held-out 38 (written blind)",
            include_str!("corpus/teach_back_heldout38.jsonl"),
        ),
        (
            "teach-back held-out 35 (written blind)",
            include_str!("corpus/teach_back_heldout35.jsonl"),
        ),
        (
            "teach-back held-out 36 (written blind)",
            include_str!("corpus/teach_back_heldout36.jsonl"),
        ),
        (
            "teach-back held-out 37 (written blind)",
            include_str!("corpus/teach_back_heldout37.jsonl"),
        ),
        (
            "teach-back held-out 39 (written blind)",
            include_str!("corpus/teach_back_heldout39.jsonl"),
        ),
        (
            "teach-back held-out 40 (written blind)",
            include_str!("corpus/teach_back_heldout40.jsonl"),
        ),
        (
            "teach-back held-out 41 (written blind)",
            include_str!("corpus/teach_back_heldout41.jsonl"),
        ),
        (
            "teach-back held-out 42 (written blind)",
            include_str!("corpus/teach_back_heldout42.jsonl"),
        ),
        (
            "teach-back held-out 44 (written blind)",
            include_str!("corpus/teach_back_heldout44.jsonl"),
        ),
        (
            "teach-back held-out 45 (written blind)",
            include_str!("corpus/teach_back_heldout45.jsonl"),
        ),
        (
            "teach-back held-out 46 (written blind)",
            include_str!("corpus/teach_back_heldout46.jsonl"),
        ),
        (
            "teach-back held-out 43 (written blind)",
            include_str!("corpus/teach_back_heldout43.jsonl"),
        ),
        (
            "teach-back held-out 47 (written blind)",
            include_str!("corpus/teach_back_heldout47.jsonl"),
        ),
        (
            "teach-back held-out 48 (written blind)",
            include_str!("corpus/teach_back_heldout48.jsonl"),
        ),
        (
            "teach-back held-out 49 (written blind)",
            include_str!("corpus/teach_back_heldout49.jsonl"),
        ),
        (
            "teach-back held-out 50 (written blind)",
            include_str!("corpus/teach_back_heldout50.jsonl"),
        ),
        (
            "teach-back held-out 51 (written blind)",
            include_str!("corpus/teach_back_heldout51.jsonl"),
        ),
        (
            "teach-back held-out 53 (written blind)",
            include_str!("corpus/teach_back_heldout53.jsonl"),
        ),
        (
            "teach-back held-out 54 (written blind)",
            include_str!("corpus/teach_back_heldout54.jsonl"),
        ),
        (
            "teach-back held-out 52 (written blind)",
            include_str!("corpus/teach_back_heldout52.jsonl"),
        ),
        (
            "teach-back held-out 55 (written blind)",
            include_str!("corpus/teach_back_heldout55.jsonl"),
        ),
        (
            "teach-back held-out 56 (written blind)",
            include_str!("corpus/teach_back_heldout56.jsonl"),
        ),
        (
            "teach-back held-out 57 (written blind)",
            include_str!("corpus/teach_back_heldout57.jsonl"),
        ),
        (
            "teach-back held-out 58 (written blind)",
            include_str!("corpus/teach_back_heldout58.jsonl"),
        ),
        (
            "teach-back held-out 59 (written blind)",
            include_str!("corpus/teach_back_heldout59.jsonl"),
        ),
        (
            "teach-back held-out 60 (written blind)",
            include_str!("corpus/teach_back_heldout60.jsonl"),
        ),
        (
            "teach-back held-out 61 (written blind)",
            include_str!("corpus/teach_back_heldout61.jsonl"),
        ),
        (
            "teach-back held-out 62 (written blind)",
            include_str!("corpus/teach_back_heldout62.jsonl"),
        ),
        (
            "teach-back held-out 63 (written blind)",
            include_str!("corpus/teach_back_heldout63.jsonl"),
        ),
        (
            "teach-back held-out 64 (written blind)",
            include_str!("corpus/teach_back_heldout64.jsonl"),
        ),
        (
            "teach-back held-out 65 (written blind)",
            include_str!("corpus/teach_back_heldout65.jsonl"),
        ),
        (
            "teach-back held-out 66 (written blind)",
            include_str!("corpus/teach_back_heldout66.jsonl"),
        ),
        (
            "teach-back held-out 67 (written blind)",
            include_str!("corpus/teach_back_heldout67.jsonl"),
        ),
        (
            "teach-back held-out 68 (written blind)",
            include_str!("corpus/teach_back_heldout68.jsonl"),
        ),
        (
            "teach-back held-out 69 (written blind)",
            include_str!("corpus/teach_back_heldout69.jsonl"),
        ),
        (
            "teach-back held-out 70 (written blind)",
            include_str!("corpus/teach_back_heldout70.jsonl"),
        ),
        (
            "teach-back held-out 71 (written blind)",
            include_str!("corpus/teach_back_heldout71.jsonl"),
        ),
        (
            "teach-back held-out 72 (written blind)",
            include_str!("corpus/teach_back_heldout72.jsonl"),
        ),
        (
            "teach-back held-out 73 (written blind)",
            include_str!("corpus/teach_back_heldout73.jsonl"),
        ),
        (
            "teach-back held-out 74 (written blind)",
            include_str!("corpus/teach_back_heldout74.jsonl"),
        ),
        (
            "teach-back held-out 75 (written blind)",
            include_str!("corpus/teach_back_heldout75.jsonl"),
        ),
        (
            "teach-back held-out 76 (written blind)",
            include_str!("corpus/teach_back_heldout76.jsonl"),
        ),
        (
            "teach-back held-out 77 (written blind)",
            include_str!("corpus/teach_back_heldout77.jsonl"),
        ),
        (
            "teach-back held-out 78 (written blind)",
            include_str!("corpus/teach_back_heldout78.jsonl"),
        ),
        (
            "teach-back held-out 79 (written blind)",
            include_str!("corpus/teach_back_heldout79.jsonl"),
        ),
        (
            "teach-back held-out 80 (written blind)",
            include_str!("corpus/teach_back_heldout80.jsonl"),
        ),
        (
            "teach-back held-out 81 (written blind)",
            include_str!("corpus/teach_back_heldout81.jsonl"),
        ),
        (
            "teach-back held-out 82 (written blind)",
            include_str!("corpus/teach_back_heldout82.jsonl"),
        ),
        (
            "teach-back held-out 83 (written blind)",
            include_str!("corpus/teach_back_heldout83.jsonl"),
        ),
        (
            "teach-back held-out 84 (written blind)",
            include_str!("corpus/teach_back_heldout84.jsonl"),
        ),
        (
            "teach-back held-out 85 (written blind)",
            include_str!("corpus/teach_back_heldout85.jsonl"),
        ),
        (
            "teach-back held-out 86 (written blind)",
            include_str!("corpus/teach_back_heldout86.jsonl"),
        ),
        (
            "teach-back held-out 87 (written blind)",
            include_str!("corpus/teach_back_heldout87.jsonl"),
        ),
        (
            "teach-back held-out 88 (written blind)",
            include_str!("corpus/teach_back_heldout88.jsonl"),
        ),
        (
            "teach-back held-out 89 (written blind)",
            include_str!("corpus/teach_back_heldout89.jsonl"),
        ),
        (
            "teach-back held-out 90 (written blind)",
            include_str!("corpus/teach_back_heldout90.jsonl"),
        ),
        (
            "teach-back held-out 91 (written blind)",
            include_str!("corpus/teach_back_heldout91.jsonl"),
        ),
        (
            "teach-back held-out 92 (written blind)",
            include_str!("corpus/teach_back_heldout92.jsonl"),
        ),
        (
            "teach-back held-out 93 (written blind)",
            include_str!("corpus/teach_back_heldout93.jsonl"),
        ),
        (
            "teach-back held-out 94 (written blind)",
            include_str!("corpus/teach_back_heldout94.jsonl"),
        ),
        (
            "teach-back held-out 95 (written blind)",
            include_str!("corpus/teach_back_heldout95.jsonl"),
        ),
        (
            "teach-back held-out 96 (written blind)",
            include_str!("corpus/teach_back_heldout96.jsonl"),
        ),
        (
            "teach-back held-out 97 (written blind)",
            include_str!("corpus/teach_back_heldout97.jsonl"),
        ),
        (
            "teach-back held-out 98 (written blind)",
            include_str!("corpus/teach_back_heldout98.jsonl"),
        ),
        (
            "teach-back held-out 99 (written blind)",
            include_str!("corpus/teach_back_heldout99.jsonl"),
        ),
        (
            "teach-back held-out 100 (written blind)",
            include_str!("corpus/teach_back_heldout100.jsonl"),
        ),
        (
            "teach-back held-out 101 (written blind)",
            include_str!("corpus/teach_back_heldout101.jsonl"),
        ),
        (
            "teach-back held-out 102 (written blind)",
            include_str!("corpus/teach_back_heldout102.jsonl"),
        ),
        (
            "teach-back held-out 103 (written blind)",
            include_str!("corpus/teach_back_heldout103.jsonl"),
        ),
        (
            "teach-back held-out 104 (written blind)",
            include_str!("corpus/teach_back_heldout104.jsonl"),
        ),
        (
            "teach-back held-out 105 (written blind)",
            include_str!("corpus/teach_back_heldout105.jsonl"),
        ),
        (
            "teach-back held-out 106 (written blind)",
            include_str!("corpus/teach_back_heldout106.jsonl"),
        ),
        (
            "teach-back held-out 107 (written blind)",
            include_str!("corpus/teach_back_heldout107.jsonl"),
        ),
        (
            "teach-back held-out 108 (written blind)",
            include_str!("corpus/teach_back_heldout108.jsonl"),
        ),
        (
            "teach-back held-out 109 (written blind)",
            include_str!("corpus/teach_back_heldout109.jsonl"),
        ),
        (
            "teach-back held-out 110 (written blind)",
            include_str!("corpus/teach_back_heldout110.jsonl"),
        ),
    ] {
        let fresh = evaluate(label, corpus);
        if fresh.honest_rate < 60.0 || fresh.fake_rate < 60.0 {
            below.push(format!(
                "{label}: {:.1} % / {:.1} %",
                fresh.honest_rate, fresh.fake_rate
            ));
        }
    }
    // Every set is printed before any floor fails the test.
    assert!(below.is_empty(), "below the floors: {below:#?}");
}
