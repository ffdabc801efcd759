//! `reach`: multi-hop privilege escalation. Which principals one principal can become or act
//! as, through the techniques of `data/escalation-techniques.json`, each step decided by the
//! engine (docs/reach.md).

mod technique;

pub use technique::{
    parse_techniques, technique, techniques, Gains, Requirement, ResourceRef, TargetKind,
    Technique, TechniqueError, TechniqueRequest, EMBEDDED_TECHNIQUES,
};
