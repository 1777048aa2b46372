//! terraform-provider-level27: started by Terraform, never by hand.

use level27::plugin;
use level27::provider::Provider;
use std::sync::Arc;

fn main() {
    // The one thing a user may run this binary for by hand: which build it is (a bug report's
    // first question). Anything else is Terraform's business (see `plugin::serve`).
    if std::env::args()
        .nth(1)
        .is_some_and(|a| a == "--version" || a == "version")
    {
        println!("terraform-provider-level27 v{}", level27::provider::VERSION);
        return;
    }
    plugin::log::init();
    // Every schema of the provider is built on a second thread meanwhile: Terraform waits for the
    // handshake line with nothing else to do, so that work is off its path (`scripts/bench`
    // measures the time to that line).
    let building = std::thread::spawn(Provider::new);
    // One thread. A provider's work is I/O-bound and each call costs tens of microseconds of CPU;
    // on a 2-core machine a multi-threaded runtime spent ~30% more CPU on a 500-resource plan
    // handing tasks and wake-ups between its threads (docs/performance.md), CPU that Terraform
    // itself needs at the same moment. Nothing here blocks a thread.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let provider = move || match building.join() {
        Ok(provider) => {
            let provider = Arc::new(provider);
            // Never freed: the process exits once serving ends, and Terraform waits for that exit
            // (three processes per plan); freeing every schema first would only delay it.
            std::mem::forget(provider.clone());
            Ok(provider)
        }
        Err(_) => Err(plugin::ServeError::Build(
            "a panic while building the schemas".to_string(),
        )),
    };
    let result = runtime.block_on(plugin::serve(provider));
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
    // Do not wait for lingering connections or tasks: Terraform is done with this process.
    std::process::exit(0);
}
