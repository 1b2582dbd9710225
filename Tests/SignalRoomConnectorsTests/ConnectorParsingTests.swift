import Foundation
import Testing
@testable import SignalRoomConnectors
@testable import SignalRoomHTTP

struct S3XMLTests {
    @Test func listPageReadsKeysSizesAndContinuation() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>exports</Name><Prefix>orders/</Prefix>
            <KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>
            <Contents><Key>orders/a &amp; b_2024-12-01.csv</Key><Size>120</Size></Contents>
            <Contents><Key>orders/caf&#233; 2024-12-02.csv</Key><Size>7</Size></Contents>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
            """
        let page = try #require(S3XML.listPage(xml))
        #expect(page.objects.map(\.key) == ["orders/a & b_2024-12-01.csv", "orders/café 2024-12-02.csv"])
        #expect(page.objects.map(\.size) == [120, 7])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func errorDocumentGivesCodeAndMessage() {
        let xml =
            #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"#
        let error = S3XML.error(xml)
        #expect(error?.code == "NoSuchBucket")
        #expect(error?.message == "The specified bucket does not exist")
        #expect(S3XML.listPage(xml) == nil)
    }
}

struct EverflowDateIdTests {
    let zone = TimeZone(identifier: "America/New_York")!

    @Test func utcMidnightIdIsThatDay() {
        #expect(EverflowDailyStats.day(ofDateId: "1733097600", in: zone)?.description == "2024-12-02")
    }

    @Test func zoneMidnightIdIsThatDayEvenAcrossDaylightSaving() {
        #expect(EverflowDailyStats.day(ofDateId: "1733115600", in: zone)?.description == "2024-12-02")  // 00:00 EST
        #expect(EverflowDailyStats.day(ofDateId: "1720584000", in: zone)?.description == "2024-07-10")  // 00:00 EDT
    }

    @Test func anyOtherInstantIsRefused() {
        #expect(EverflowDailyStats.day(ofDateId: "1733101200", in: zone) == nil)
        #expect(EverflowDailyStats.day(ofDateId: "yesterday", in: zone) == nil)
    }
}

struct LooseNumberTests {
    @Test func numbersStringsAndNullsAreRead() {
        #expect(LooseNumber(NSNumber(value: 1523)).integer == 1523)
        #expect(LooseNumber("7825.50").double == 7825.5)
        #expect(LooseNumber(nil).integer == 0)
        #expect(LooseNumber(NSNull()).double == 0)
        #expect(LooseNumber(" 45 ").integer == 45)
        #expect(LooseNumber("n/a").double == nil)
        #expect(LooseNumber(NSNumber(value: 2.5)).integer == nil)
    }
}

struct RetryAfterTests {
    @Test func secondsAndHTTPDatesAreRead() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21T07:27:50Z
        #expect(RetryAfter.seconds("3") == 3)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
        #expect(RetryAfter.seconds("soon") == nil)
        #expect(RetryAfter.seconds(nil) == nil)
    }
}
