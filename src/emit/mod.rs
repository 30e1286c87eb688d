//! Emitters: each output is one module that reads the parsed and rendered
//! model and writes into a folder it is given (a staging folder; see
//! [`crate::write`]).

pub mod anki;
pub mod site;

use crate::config::Config;
use crate::model::Bank;
use crate::render::media::MediaResolver;
use crate::theme::Theme;

/// What every emitter reads.
pub struct EmitInput<'a> {
    pub config: &'a Config,
    /// The project folder; outputs name files relative to it.
    pub root: &'a std::path::Path,
    pub banks: &'a [Bank],
    pub media: &'a MediaResolver,
    pub theme: &'a Theme,
}
