//! The tfplugin6 RPCs of features this provider does not offer, in one place.
//!
//! The generated `Provider` trait has no default methods, so every service must write all of
//! them. [`unoffered_rpcs!`](crate::unoffered_rpcs) writes these into a service's impl of the
//! trait: resource identities, config generation, the opening and renewal of ephemeral resources,
//! list resources, functions, state stores and actions. Each answers as a provider without the
//! feature does: the lists Terraform asks for (functions, identity schemas) are empty, and the
//! rest, which Terraform does not call when the schema declares nothing of the kind, answer
//! Unimplemented. Used by the provider (`plugin::grpc`) and by the benchmark's floor plugin
//! (`benches/floor_plugin.rs`).

/// `unoffered_rpcs!();` inside a `#[tonic::async_trait] impl Provider for …` block writes the
/// methods of the features this provider does not offer (see the module docs). The block itself
/// implements the rest: schema, validation (`validate_ephemeral_resource_config` too), configure,
/// the resource lifecycle, import, move, data sources and `stop_provider`.
#[macro_export]
macro_rules! unoffered_rpcs {
    () => {
        $crate::unoffered_rpc!(get_resource_identity_schemas, get_resource_identity_schemas, ok);
        $crate::unoffered_rpc!(
            upgrade_resource_identity,
            upgrade_resource_identity,
            "resource identity is not supported"
        );
        $crate::unoffered_rpc!(generate_resource_config, generate_resource_config, "GenerateResourceConfig");
        $crate::unoffered_rpc!(open_ephemeral_resource, open_ephemeral_resource, "no ephemeral resources");
        $crate::unoffered_rpc!(renew_ephemeral_resource, renew_ephemeral_resource, "no ephemeral resources");
        $crate::unoffered_rpc!(close_ephemeral_resource, close_ephemeral_resource, "no ephemeral resources");
        $crate::unoffered_rpc!(
            stream list_resource,
            list_resource,
            Event,
            ListResourceStream,
            "list resources are not supported"
        );
        $crate::unoffered_rpc!(
            validate_list_resource_config,
            validate_list_resource_config,
            "list resources are not supported"
        );
        $crate::unoffered_rpc!(get_functions, get_functions, ok);
        $crate::unoffered_rpc!(call_function, call_function, "no functions");
        $crate::unoffered_rpc!(validate_state_store_config, validate_state_store, "no state stores");
        $crate::unoffered_rpc!(configure_state_store, configure_state_store, "no state stores");
        $crate::unoffered_rpc!(
            stream read_state_bytes,
            read_state_bytes,
            Response,
            ReadStateBytesStream,
            "no state stores"
        );
        $crate::unoffered_rpc!(client_stream write_state_bytes, write_state_bytes, RequestChunk, "no state stores");
        $crate::unoffered_rpc!(lock_state, lock_state, "no state stores");
        $crate::unoffered_rpc!(unlock_state, unlock_state, "no state stores");
        $crate::unoffered_rpc!(get_states, get_states, "no state stores");
        $crate::unoffered_rpc!(delete_state, delete_state, "no state stores");
        $crate::unoffered_rpc!(plan_action, plan_action, "no actions");
        $crate::unoffered_rpc!(stream invoke_action, invoke_action, Event, InvokeActionStream, "no actions");
        $crate::unoffered_rpc!(validate_action_config, validate_action_config, "no actions");
    };
}

/// One method of [`unoffered_rpcs!`](crate::unoffered_rpcs), in the form `#[async_trait]` gives
/// an `async fn` (that attribute does not look into macro calls): the method, its message module
/// and the answer, `ok` (an empty response) or the text of an Unimplemented status. `stream`
/// methods also take the streamed message and the stream type they declare; `client_stream` the
/// request chunk.
#[doc(hidden)]
#[macro_export]
macro_rules! unoffered_rpc {
    ($method:ident, $module:ident, $answer:tt) => {
        $crate::unoffered_rpc!(@fn $method,
            ::tonic::Request<::magma_protocol::tfplugin6::$module::Request>,
            ::tonic::Response<::magma_protocol::tfplugin6::$module::Response>,
            $answer);
    };
    (stream $method:ident, $module:ident, $item:ident, $stream:ident, $answer:tt) => {
        type $stream = ::tokio_stream::Empty<
            ::std::result::Result<::magma_protocol::tfplugin6::$module::$item, ::tonic::Status>,
        >;
        $crate::unoffered_rpc!(@fn $method,
            ::tonic::Request<::magma_protocol::tfplugin6::$module::Request>,
            ::tonic::Response<Self::$stream>,
            $answer);
    };
    (client_stream $method:ident, $module:ident, $chunk:ident, $answer:tt) => {
        $crate::unoffered_rpc!(@fn $method,
            ::tonic::Request<::tonic::Streaming<::magma_protocol::tfplugin6::$module::$chunk>>,
            ::tonic::Response<::magma_protocol::tfplugin6::$module::Response>,
            $answer);
    };
    (@answer ok) => {
        Ok(::std::default::Default::default())
    };
    (@answer $text:literal) => {
        Err(::tonic::Status::unimplemented($text))
    };
    (@fn $method:ident, $request:ty, $response:ty, $answer:tt) => {
        fn $method<'life0, 'async_trait>(
            &'life0 self,
            _: $request,
        ) -> ::std::pin::Pin<
            ::std::boxed::Box<
                dyn ::std::future::Future<Output = ::std::result::Result<$response, ::tonic::Status>>
                    + ::std::marker::Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            let answer: ::std::result::Result<_, ::tonic::Status> = $crate::unoffered_rpc!(@answer $answer);
            ::std::boxed::Box::pin(async move { answer.map(::tonic::Response::new) })
        }
    };
}
