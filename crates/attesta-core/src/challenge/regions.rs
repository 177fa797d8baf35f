//! Cloud regions by code and by the names people call them ("Ireland" for `eu-west-1`,
//! "N. Virginia" for `us-east-1`): a region named right is on topic, another region is another
//! target.

/// Region codes of the large clouds and the place names that stand for them.
const REGIONS: &[(&str, &[&str])] = &[
    (
        "us-east-1",
        &["virginia", "n. virginia", "northern virginia"],
    ),
    ("us-east-2", &["ohio"]),
    (
        "us-west-1",
        &["california", "n. california", "northern california"],
    ),
    ("us-west-2", &["oregon"]),
    ("ca-central-1", &["canada", "montreal"]),
    ("eu-west-1", &["ireland", "dublin"]),
    ("eu-west-2", &["london"]),
    ("eu-west-3", &["paris"]),
    ("eu-central-1", &["frankfurt"]),
    ("eu-central-2", &["zurich"]),
    ("eu-north-1", &["stockholm"]),
    ("eu-south-1", &["milan"]),
    ("eu-south-2", &["spain"]),
    ("ap-northeast-1", &["tokyo"]),
    ("ap-northeast-2", &["seoul"]),
    ("ap-northeast-3", &["osaka"]),
    ("ap-southeast-1", &["singapore"]),
    ("ap-southeast-2", &["sydney"]),
    ("ap-south-1", &["mumbai"]),
    ("ap-east-1", &["hong kong"]),
    ("sa-east-1", &["sao paulo", "são paulo"]),
    ("me-south-1", &["bahrain"]),
    ("af-south-1", &["cape town"]),
    ("europe-west1", &["belgium"]),
    ("europe-west2", &["london"]),
    ("europe-west3", &["frankfurt"]),
    ("europe-west4", &["netherlands", "eemshaven"]),
    ("us-central1", &["iowa"]),
    ("us-east4", &["virginia", "northern virginia"]),
    ("westeurope", &["netherlands", "amsterdam", "west europe"]),
    ("northeurope", &["ireland", "dublin", "north europe"]),
    ("germanywestcentral", &["frankfurt", "germany"]),
];

/// The region codes written in `text` (lowercase): `eu-west-1`, `europe-west3`, `westeurope`.
fn codes_in(text: &str) -> Vec<&'static str> {
    REGIONS
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| super::text::contains_phrase(text, code))
        .collect()
}

/// The place names of the regions the action's text uses, as words for its vocabulary.
pub(super) fn region_words(action_text: &str) -> Vec<String> {
    let lower = action_text.to_lowercase();
    codes_in(&lower)
        .into_iter()
        .filter_map(|code| REGIONS.iter().find(|(c, _)| *c == code))
        .flat_map(|(_, names)| names.iter())
        .flat_map(|name| super::explain::plain_words(name))
        .collect()
}

/// Whether the explanation names a region (by code or by place) that is none of the action's,
/// while the action has one: "in us-east-1" for `--region eu-west-1`.
pub(super) fn foreign_region(argument_text: &str, lower: &str) -> bool {
    let own = codes_in(&argument_text.to_lowercase());
    if own.is_empty() {
        return false;
    }
    let own_names: Vec<&str> = own
        .iter()
        .filter_map(|code| REGIONS.iter().find(|(c, _)| c == code))
        .flat_map(|(_, names)| names.iter().copied())
        .collect();
    REGIONS.iter().any(|(code, names)| {
        let named = super::text::contains_phrase(lower, code)
            || names
                .iter()
                .any(|n| n.len() >= 5 && super::text::contains_phrase(lower, n));
        named && !own.contains(code) && !names.iter().any(|n| own_names.contains(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_by_code_and_by_place() {
        let words = region_words("aws ec2 terminate-instances --region eu-west-1");
        assert!(words.contains(&"ireland".to_owned()));
        assert!(foreign_region(
            "--region eu-west-1",
            "terminates them in us-east-1"
        ));
        assert!(foreign_region(
            "--region eu-west-1",
            "terminates them in frankfurt"
        ));
        assert!(!foreign_region(
            "--region eu-west-1",
            "terminates them in ireland (eu-west-1)"
        ));
        assert!(!foreign_region(
            "no region here",
            "terminates them in us-east-1"
        ));
    }
}
