// The tests' mail server lives in packages/test-infra (the e2e suites use it too).
export { startSmtpSink, type CaughtMail, type SmtpSink } from '@runfleet/test-infra';
