//! `iamsim completions SHELL` and `iamsim man`: shell completion scripts and a man page,
//! generated from the clap definitions ([`super::args`]) so they cannot fall behind them.

use clap::CommandFactory;
use clap_complete::Generator;

use super::args::{Cli, CompletionsArgs};
use super::{Error, Exit, Streams};

/// Print the completion script for a shell.
pub fn completions(a: &CompletionsArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let mut cmd = Cli::command().bin_name("iamsim");
    cmd.build();
    // Into memory first: `generate` panics when its writer fails (`iamsim completions bash |
    // head`), `try_generate` into a Vec cannot, and the write below reports a closed pipe.
    let mut script = Vec::new();
    a.shell.try_generate(&cmd, &mut script)?;
    io.out.write_all(&script)?;
    io.out.flush()?;
    Ok(Exit::Success)
}

/// Print the man page (roff), `iamsim(1)`: the top-level page, then for each command (and
/// each `import`/`prove` subcommand) its description, synopsis and options.
pub fn man(io: &mut Streams<'_>) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    let mut commands = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        commands.push(sub.clone());
        commands.extend(
            sub.get_subcommands()
                .filter(|s| s.get_name() != "help")
                .cloned(),
        );
    }
    for sub in commands {
        // Names are clap identifiers (`who-can`, `iamsim-import-terraform`): nothing to escape.
        let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
        page.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let man = clap_mangen::Man::new(sub);
        man.render_description_section(&mut page)?;
        man.render_synopsis_section(&mut page)?;
        man.render_options_section(&mut page)?;
    }
    io.out.write_all(&page)?;
    io.out.flush()?;
    Ok(Exit::Success)
}
