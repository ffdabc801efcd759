//! The tags a resource the attacker creates carries in one attempt of a technique
//! (created_tags.rs), and what each of the technique's requests sees of them.

use super::choice::template_of;
use super::technique::TechniqueRequest;

/// Tags a created resource carries in one attempt of a technique.
#[derive(Debug, Clone)]
pub(super) struct Tagged {
    /// The template of the created resource
    pub(super) template: &'static str,
    /// The request that creates it (the technique's first on the template)
    pub(super) creating: &'static TechniqueRequest,
    /// The tags (key, value)
    pub(super) tags: Vec<(String, String)>,
}

impl Tagged {
    /// The context request `r` gets from these tags: `aws:RequestTag/*` on the create,
    /// `aws:ResourceTag/*` on a later request on the resource, nothing elsewhere.
    pub(super) fn context_for(&self, r: &TechniqueRequest) -> Vec<(String, String)> {
        if template_of(&r.resource) != Some(self.template) {
            return Vec::new();
        }
        let prefix = if std::ptr::eq(r, self.creating) {
            "aws:RequestTag/"
        } else {
            "aws:ResourceTag/"
        };
        self.tags
            .iter()
            .map(|(k, v)| (format!("{prefix}{k}"), v.clone()))
            .collect()
    }
}
