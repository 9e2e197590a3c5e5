//! JUnit XML (`--junit FILE`) for `monlint test rules` and `monlint test routes`: one
//! suite per test file, one case per test; an error before any test ran (a broken file)
//! is the suite's one errored case.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::FileResult;

/// One test file's results, whatever ran them.
pub struct JunitSuite {
    pub name: String,
    /// Each test's name and its failures (none: it passed).
    pub cases: Vec<(String, Vec<String>)>,
    /// What stopped the file before its tests ran.
    pub error: Option<String>,
}

impl JunitSuite {
    /// The suite of one rule-test file.
    pub fn of_rule_tests(result: &FileResult) -> JunitSuite {
        let stopped = result.groups.is_empty() && !result.errors.is_empty();
        JunitSuite {
            name: result.path.clone(),
            cases: result.groups.clone(),
            error: stopped.then(|| result.errors.join("\n")),
        }
    }
}

pub fn junit_xml(title: &str, suites: &[JunitSuite]) -> String {
    let mut report = Report::new(title);
    for file in suites {
        let mut suite = TestSuite::new(file.name.as_str());
        if let Some(error) = &file.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_description(error.as_str());
            suite.add_test_case(TestCase::new(file.name.as_str(), status));
        }
        for (name, failures) in &file.cases {
            let status = if failures.is_empty() {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_description(failures.join("\n"));
                status
            };
            let mut case = TestCase::new(name.as_str(), status);
            case.set_classname(file.name.as_str());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .unwrap_or_else(|error| format!("<!-- JUnit serialisation failed: {error} -->\n"))
}
