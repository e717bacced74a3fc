//! `briefing serve`

use super::ProjectArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Port to listen on (0 picks a free one)
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; only loopback unless you say otherwise
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    briefing::serve::serve(&briefing::serve::ServeOptions {
        root: args.project.root,
        bind: args.bind,
        port: args.port,
    })
}
