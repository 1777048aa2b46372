fn main() {
    level27_sandbox::main_entry();
}
