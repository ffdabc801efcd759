//! `reach`: multi-hop privilege escalation. Which principals one principal can become or act
//! as, through the techniques of `data/escalation-techniques.json`, each step decided by the
//! engine (docs/reach.md).

mod assigned;
mod attack;
mod choice;
mod combine;
mod created_tags;
mod edges;
mod graph;
mod index;
mod keys;
mod limits;
mod meet;
mod member;
mod mini;
mod names;
mod plan;
mod prove;
mod query;
mod render;
mod setting;
mod tagged;
mod tagging;
mod technique;
mod transitive;
mod trust_index;
mod witness;

pub use graph::{Graph, Options};
pub use index::NodeKind;
pub use plan::{Edge, Via};
pub use prove::ProvedRequest;
pub use query::{ReachError, ReachReport, Reached, Step};
pub use render::{
    write_dot, write_json, write_markdown, write_text, write_who_can_dot, write_who_can_json,
    write_who_can_markdown, write_who_can_text,
};
pub use technique::{
    parse_techniques, technique, techniques, Gains, Requirement, ResourceRef, TargetKind,
    Technique, TechniqueError, TechniqueRequest, EMBEDDED_TECHNIQUES,
};
pub use transitive::{PathAnswer, WhoCanPath};
