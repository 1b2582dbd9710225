import Foundation
import Testing
@testable import SignalRoomEngine

/// DESIGN §4: the interval before attempt n+1 is min(initial × coefficientⁿ⁻¹, maximum);
/// `maximumAttempts` 0 is unlimited; non-retryable by type name or by flag.
@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func firstIntervalIsTheInitialInterval() {
        let policy = RetryPolicy(initialInterval: .seconds(3), backoffCoefficient: 2, maximumInterval: .seconds(60))
        #expect(policy.interval(afterAttempt: 1) == .seconds(3))
    }

    @Test func intervalGrowsByTheCoefficientAfterEachAttempt() {
        let policy = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: .seconds(1000))
        let intervals = (1...6).map { policy.interval(afterAttempt: $0) }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32)])
    }

    @Test func fractionalCoefficientGrowsGeometrically() {
        let policy = RetryPolicy(initialInterval: .seconds(2), backoffCoefficient: 1.5, maximumInterval: .seconds(1000))
        #expect(policy.interval(afterAttempt: 2) == .seconds(3))
        #expect(policy.interval(afterAttempt: 3) == .seconds(4.5))
    }

    @Test func subSecondIntervalsKeepTheirPrecision() {
        let policy = RetryPolicy(initialInterval: .milliseconds(10), maximumAttempts: 5)
        #expect(abs(policy.interval(afterAttempt: 1).seconds - 0.010) < 1e-9)
        #expect(abs(policy.interval(afterAttempt: 2).seconds - 0.020) < 1e-9)
        #expect(abs(policy.interval(afterAttempt: 3).seconds - 0.040) < 1e-9)
    }

    @Test func intervalIsCappedAtMaximum() {
        let policy = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: .seconds(10))
        #expect(policy.interval(afterAttempt: 4) == .seconds(8))
        #expect(policy.interval(afterAttempt: 5) == .seconds(10))
        #expect(policy.interval(afterAttempt: 50) == .seconds(10))
    }

    @Test func nilMaximumCapsAtOneHundredTimesTheInitialInterval() {
        let policy = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: nil)
        #expect(policy.interval(afterAttempt: 7) == .seconds(64))
        #expect(policy.interval(afterAttempt: 8) == .seconds(100))
        #expect(policy.interval(afterAttempt: 30) == .seconds(100))
        let slow = RetryPolicy(initialInterval: .seconds(5), backoffCoefficient: 3)
        #expect(slow.interval(afterAttempt: 40) == .seconds(500))
    }

    @Test func hugeAttemptNumbersStayAtTheCapInsteadOfOverflowing() {
        let policy = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 10, maximumInterval: .seconds(300))
        #expect(policy.interval(afterAttempt: 10_000) == .seconds(300))
    }

    @Test func coefficientBelowOneIsRaisedToOne() {
        let policy = RetryPolicy(initialInterval: .seconds(2), backoffCoefficient: 0.5, maximumInterval: .seconds(60))
        #expect(policy.backoffCoefficient == 1)
        #expect(policy.interval(afterAttempt: 5) == .seconds(2))
    }

    @Test func zeroMaximumAttemptsIsUnlimited() {
        let policy = RetryPolicy(maximumAttempts: 0)
        #expect(policy.hasAttemptsLeft(after: 1))
        #expect(policy.hasAttemptsLeft(after: 1_000_000))
        #expect(RetryPolicy().maximumAttempts == 0)
    }

    @Test func negativeMaximumAttemptsMeansUnlimited() {
        #expect(RetryPolicy(maximumAttempts: -3).maximumAttempts == 0)
    }

    @Test func attemptsRunOutAtMaximumAttempts() {
        let policy = RetryPolicy(maximumAttempts: 3)
        #expect(policy.hasAttemptsLeft(after: 1))
        #expect(policy.hasAttemptsLeft(after: 2))
        #expect(!policy.hasAttemptsLeft(after: 3))
        #expect(!policy.hasAttemptsLeft(after: 4))
    }

    @Test func neverAllowsOnlyOneAttempt() {
        #expect(RetryPolicy.never.maximumAttempts == 1)
        #expect(!RetryPolicy.never.hasAttemptsLeft(after: 1))
    }

    @Test func failureWhoseTypeIsListedIsNotRetried() {
        let policy = RetryPolicy(nonRetryableErrorTypes: ["QuotaExhausted"])
        #expect(!policy.allowsRetry(of: Failure(message: "no quota left", type: "QuotaExhausted")))
        #expect(policy.allowsRetry(of: Failure(message: "connection reset", type: "NetworkError")))
    }

    @Test func typeNameMatchingIsExact() {
        let policy = RetryPolicy(nonRetryableErrorTypes: ["InvalidInput"])
        #expect(policy.allowsRetry(of: Failure(message: "x", type: "invalidinput")))
        #expect(policy.allowsRetry(of: Failure(message: "x", type: "InvalidInputs")))
    }

    @Test func failureMarkedNonRetryableIsNotRetriedWhateverItsType() {
        let policy = RetryPolicy()
        #expect(!policy.allowsRetry(of: Failure(message: "account closed", type: "Anything", nonRetryable: true)))
    }

    @Test func nonRetryableApplicationErrorKeepsItsFlagInItsFailure() {
        let error = ApplicationError("gone for good", type: "Gone", isNonRetryable: true)
        let failure = Failure(describing: error)
        #expect(failure.type == "Gone")
        #expect(failure.nonRetryable)
        #expect(!RetryPolicy().allowsRetry(of: failure))
    }

    @Test func defaultPolicyMatchesTheOriginalPlatform() {
        let policy = RetryPolicy.default
        #expect(policy.initialInterval == .seconds(1))
        #expect(policy.backoffCoefficient == 2.0)
        #expect(policy.maximumInterval == .seconds(300))
        #expect(policy.maximumAttempts == 5)
        #expect(policy.nonRetryableErrorTypes == ["InvalidInput", "MissingData"])
    }

    @Test func defaultPolicyWaitsOneTwoFourEightSecondsBetweenItsFiveAttempts() {
        let policy = RetryPolicy.default
        #expect((1...4).map { policy.interval(afterAttempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        #expect(policy.hasAttemptsLeft(after: 4))
        #expect(!policy.hasAttemptsLeft(after: 5))
        #expect(policy.interval(afterAttempt: 12) == .seconds(300))
    }

    @Test func defaultPolicyDoesNotRetryInvalidInputOrMissingData() {
        let policy = RetryPolicy.default
        #expect(!policy.allowsRetry(of: Failure(describing: ApplicationError.invalidInput("bad date"))))
        #expect(!policy.allowsRetry(of: Failure(describing: ApplicationError.missingData("no file for today"))))
        #expect(policy.allowsRetry(of: Failure(describing: ApplicationError("HTTP 503", type: "ServerError"))))
    }

    @Test func defaultActivityOptionsUseTheDefaultPolicy() {
        #expect(ActivityOptions().retryPolicy == .default)
    }

    @Test func policyRoundTripsThroughJSON() throws {
        let policies = [
            RetryPolicy.default,
            RetryPolicy(initialInterval: .milliseconds(250), backoffCoefficient: 1.5, maximumInterval: nil, maximumAttempts: 0),
        ]
        for policy in policies {
            let data = try JSONEncoder().encode(policy)
            #expect(try JSONDecoder().decode(RetryPolicy.self, from: data) == policy)
        }
    }
}
