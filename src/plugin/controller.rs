//! go-plugin's GRPCController: Terraform calls `Shutdown` when it is done with a provider
//! process; without it every process would be killed only after a 2 s grace period.

use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Copy, PartialEq, ::prost::Message)]
pub struct Empty {}

#[allow(clippy::all, non_camel_case_types)]
mod generated {
    tonic::include_proto!("plugin.GRPCController");
}

pub use generated::g_r_p_c_controller_server::{
    GRPCController as GrpcController, GRPCControllerServer as GrpcControllerServer,
};

pub struct Controller {
    pub shutdown: Arc<Notify>,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _: tonic::Request<Empty>) -> Result<tonic::Response<Empty>, tonic::Status> {
        tracing::debug!("Shutdown requested by Terraform");
        self.shutdown.notify_one();
        Ok(tonic::Response::new(Empty {}))
    }
}
