fn main() -> std::process::ExitCode {
    studymark::cli::run()
}
