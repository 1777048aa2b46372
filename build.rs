//! Generates go-plugin's GRPCController service (package `plugin`) without a .proto file: one
//! method, `Shutdown(Empty) returns (Empty)`, whose messages are declared in
//! `src/plugin/controller.rs`.

fn main() {
    let shutdown = tonic_build::manual::Method::builder()
        .name("shutdown")
        .route_name("Shutdown")
        .input_type("crate::plugin::controller::Empty")
        .output_type("crate::plugin::controller::Empty")
        .codec_path("tonic::codec::ProstCodec")
        .build();
    let controller = tonic_build::manual::Service::builder()
        .name("GRPCController")
        .package("plugin")
        .method(shutdown)
        .build();
    tonic_build::manual::Builder::new()
        .build_client(false)
        .compile(&[controller]);
}
