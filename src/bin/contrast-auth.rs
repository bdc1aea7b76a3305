//! The `contrast-auth` command-line tool.

fn main() {
    println!("contrast-auth: the demo arrives with the transport issue (#4).");
}
