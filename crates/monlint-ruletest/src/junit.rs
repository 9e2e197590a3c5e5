//! JUnit XML for a run (`--junit FILE`): one suite per test file, one case per test
//! group; an error before any group ran (a broken file) is the suite's one errored case.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::FileResult;

pub fn junit_xml(results: &[FileResult]) -> String {
    let mut report = Report::new("monlint test rules");
    for result in results {
        let mut suite = TestSuite::new(result.path.as_str());
        if result.groups.is_empty() && !result.errors.is_empty() {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_description(result.errors.join("\n"));
            suite.add_test_case(TestCase::new(result.path.as_str(), status));
        }
        for (name, errors) in &result.groups {
            let status = if errors.is_empty() {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_description(errors.join("\n"));
                status
            };
            let mut case = TestCase::new(name.as_str(), status);
            case.set_classname(result.path.as_str());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .unwrap_or_else(|error| format!("<!-- JUnit serialisation failed: {error} -->\n"))
}
