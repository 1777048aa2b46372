//! Sandbox semantics, driven in-process (router `oneshot`) and over real loopback sockets.

mod admin;
mod common;
mod dns;
mod faults;
mod organisations;
mod server;
mod systems;
mod teams;
