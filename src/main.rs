//! terraform-provider-level27: started by Terraform, never by hand.

use level27::plugin;
use level27::provider::Provider;
use std::sync::Arc;

fn main() {
    plugin::log::init();
    // Two worker threads: plenty for the I/O-bound work of a provider process, and cheap to start.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(plugin::serve(Arc::new(Provider::new())));
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
    // Do not wait for lingering connections or tasks: Terraform is done with this process.
    std::process::exit(0);
}
