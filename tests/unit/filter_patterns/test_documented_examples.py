"""Every example of the CloudWatch Logs filter pattern pages, with its documented outcome.

Sources, all in the Amazon CloudWatch Logs user guide:

- REGEX: "Supported regular expressions (regex) syntax" and "Using filter patterns
  to match terms with a regular expression (regex)".
- UNSTRUCTURED: "Using filter patterns to match terms in unstructured log events".
- JSON: "Using filter patterns to match terms in JSON log events".
- SPACE: "Using filter patterns to match terms in space-delimited log events".
- EARLIER: the 2021-2023 revisions of the same page ("Filter and Pattern Syntax",
  "Filter and pattern syntax"), whose examples were reworded since: their examples
  still hold unless marked as superseded below.
- Worked examples: "Example: Count HTTP 404 Codes", "Example: Extract Fields from
  an Apache Log", and the TestMetricFilter API reference example.

Where a page lists only matching events, one obvious non-matching event is added
so that each example can fail both ways; such additions are marked "(added)".
"""

from __future__ import annotations

import json

import pytest

from observability_blueprint.rules.filter_patterns import FilterPatternError, parse


def _single_line(document: object) -> str:
    # "If you test an example filter pattern with the example JSON log event, you
    # must enter the example JSON log on a single line."
    return json.dumps(document)


# --- UNSTRUCTURED ------------------------------------------------------------------

E400 = "[ERROR 400] BAD REQUEST"
E401 = "[ERROR 401] UNAUTHORIZED REQUEST"
E419 = "[ERROR 419] MISSING ARGUMENTS"
E420 = "[ERROR 420] INVALID ARGUMENTS"
E500 = "[ERROR 500] INTERNAL SERVER ERROR"

UNSTRUCTURED = [
    # Monitor application errors / Match a single term.
    ("ERROR", E400, True),
    ("ERROR", E401, True),
    ("ERROR", E419, True),
    ("ERROR", E420, True),
    ("ERROR", "[INFO 200] OK", False),  # (added)
    # Track related application issues / Match multiple terms.
    ("ERROR ARGUMENTS", E419, True),
    ("ERROR ARGUMENTS", E420, True),
    ("ERROR ARGUMENTS", E400, False),
    ("ERROR ARGUMENTS", E401, False),
    # Monitor any type of issue / Match optional terms.
    ("?ERROR ?ARGUMENTS", E400, True),
    ("?ERROR ?ARGUMENTS", E401, True),
    ("?ERROR ?ARGUMENTS", E419, True),
    ("?ERROR ?ARGUMENTS", E420, True),
    ("?ERROR ?ARGUMENTS", "[INFO] INVALID ARGUMENTS PROVIDED", True),
    ("?ERROR ?ARGUMENTS", "[INFO 200] OK", False),  # (added)
    # "If you combine "?" with other filter patterns, all question mark terms will
    # be ignored": matches all events containing REQUEST.
    ("?ERROR ?ARGUMENTS REQUEST", "[INFO] REQUEST FAILED", True),
    ("?ERROR ?ARGUMENTS REQUEST", "[WARN] UNAUTHORIZED REQUEST", True),
    ("?ERROR ?ARGUMENTS REQUEST", "[ERROR] 400 BAD REQUEST", True),
    ("?ERROR ?ARGUMENTS REQUEST", E419, False),
    # Find specific error messages / Match exact phrases.
    ('"INTERNAL SERVER ERROR"', E500, True),
    ('"INTERNAL SERVER ERROR"', "[ERROR 500] INTERNAL ERROR ON SERVER", False),  # (added)
    # Filter out noise from monitoring / Include and exclude terms.
    ("ERROR -ARGUMENTS", E400, True),
    ("ERROR -ARGUMENTS", E401, True),
    ("ERROR -ARGUMENTS", E419, False),
    ("ERROR -ARGUMENTS", E420, False),
    # Capture all log activity / Match everything.
    ('" "', E400, True),
    ('" "', "single-word-event", True),
]

# EARLIER: "Matching Terms in Log Events" and "OR Pattern Matching" (2021).
UNSTRUCTURED_EARLIER = [
    # Example 1: The filter pattern "" matches all log events.
    ("", "anything at all", True),
    ('""', "anything at all", True),
    # Example 2: Single term ("ERROR" matches inside "ERRORCODE").
    ("ERROR", "[ERROR] A fatal exception has occurred", True),
    ("ERROR", "Exiting with ERRORCODE: -1", True),
    # Example 3: '"ERROR" - "Exiting"' excludes "Exiting with ERRORCODE: -1".
    ('"ERROR" - "Exiting"', "[ERROR] A fatal exception has occurred", True),
    ('"ERROR" - "Exiting"', "Exiting with ERRORCODE: -1", False),
    # Example 4: Multiple terms.
    ("ERROR Exception", "[ERROR] Caught IllegalArgumentException", True),
    ("ERROR Exception", "[ERROR] Unhandled Exception", True),
    ("Failed to process the request", "[WARN] Failed to process the request", True),
    (
        "Failed to process the request",
        "[ERROR] Unable to continue: Failed to process the request",
        True,
    ),
    ("Failed to process the request", "[WARN] Failed to process", False),  # (added)
    # OR Pattern Matching, with events 1 "ERROR WARN message", 2 "ERROR message",
    # 3 "WARN message".
    ("ERROR", "ERROR WARN message", True),
    ("ERROR", "ERROR message", True),
    ("ERROR", "WARN message", False),
    ("?ERROR ?WARN", "ERROR WARN message", True),
    ("?ERROR ?WARN", "ERROR message", True),
    ("?ERROR ?WARN", "WARN message", True),
    ("ERROR WARN", "ERROR WARN message", True),
    ("ERROR WARN", "ERROR message", False),
    ("ERROR WARN", "WARN message", False),
    ("ERROR -WARN", "ERROR WARN message", False),
    ("ERROR -WARN", "ERROR message", True),
    ("ERROR -WARN", "WARN message", False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), UNSTRUCTURED + UNSTRUCTURED_EARLIER)
def test_unstructured_examples(pattern: str, message: str, expected: bool) -> None:
    compiled = parse(pattern)

    assert compiled.kind == "term"
    assert compiled.matches(message) is expected


def test_optional_terms_next_to_other_terms_carry_a_warning() -> None:
    assert parse("?ERROR ?ARGUMENTS REQUEST").warnings
    assert not parse("?ERROR ?ARGUMENTS").warnings


# --- REGEX -------------------------------------------------------------------------

REGEX = [
    # Using filter patterns to match terms with a regular expression.
    ("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", True),
    ("%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST", True),
    ("%AUTHORIZED%", "[SUCCESS 200] OK", False),  # (added)
    # "use %\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}% to match any IP address format"
    (r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%", "connection from 192.168.0.17 refused", True),
    (r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%", "connection from localhost refused", False),
    # 'or %[Ee]rror|[Ff]ail% to catch both "Error"/"error" and "Fail"/"fail"'
    ("%[Ee]rror|[Ff]ail%", "Error: disk full", True),
    ("%[Ee]rror|[Ff]ail%", "an error occurred", True),
    ("%[Ee]rror|[Ff]ail%", "Failed to start", True),
    ("%[Ee]rror|[Ff]ail%", "will fail soon", True),
    ("%[Ee]rror|[Ff]ail%", "ERROR FAILURE", False),
    # ^: "%^[hc]at% matches "hat" and "cat", but only at the beginning of a string".
    ("%^[hc]at%", "hat", True),
    ("%^[hc]at%", "cat on a mat", True),
    ("%^[hc]at%", "the cat", False),
    ("%^[hc]at%", "that", False),
    # $: "%[hc]at$% matches "hat" and "cat", but only at the end of a string".
    ("%[hc]at$%", "the hat", True),
    ("%[hc]at$%", "cat", True),
    ("%[hc]at$%", "cats", False),
    # ?: "%colou?r% can match both "color" and "colour"".
    ("%colou?r%", "color", True),
    ("%colou?r%", "colour", True),
    ("%colou?r%", "colouur", False),
    # []: character classes and ranges.
    ("%[abc]%", "a", True),
    ("%[abc]%", "b", True),
    ("%[abc]%", "c", True),
    ("%[abc]%", "xyz", False),
    ("%[a-z]%", "QUIET q", True),
    ("%[a-z]%", "QUIET 7", False),
    ("%[abcx-z]%", "y", True),
    ("%[abcx-z]%", "w", False),
    # {m, n}: '%a{3,5}% matches only "aaa", "aaaa", and "aaaaa"'.
    ("%a{3,5}%", "aaa", True),
    ("%a{3,5}%", "aaaa", True),
    ("%a{3,5}%", "aaaaa", True),
    ("%a{3,5}%", "aa", False),
    ("%^a{3,5}$%", "aaaaaa", False),
    # "Either m or n can be omitted".
    ("%^a{3,}$%", "aaaaaa", True),
    ("%^a{,2}$%", "aaa", False),
    # |: '%gra|ey% can match "gray" or "grey"'.
    ("%gra|ey%", "gray", True),
    ("%gra|ey%", "grey", True),
    ("%gra|ey%", "groy", False),
    ("%^starting|^initializing|^shutting down%", "starting the engine", True),
    ("%^starting|^initializing|^shutting down%", "initializing the engine", True),
    ("%^starting|^initializing|^shutting down%", "shutting down", True),
    ("%^starting|^initializing|^shutting down%", "skipping initializing the engine", False),
    # The page prints "%abcc|ab[^c]$" without its closing %.
    ("%abcc|ab[^c]$%", "abcc and more", True),
    ("%abcc|ab[^c]$%", "aba", True),
    ("%abcc|ab[^c]$%", "aac and more", False),
    # \: '%\[.\]% matches any single character surrounded by "[" and "]"'.
    (r"%\[.\]%", "[a]", True),
    (r"%\[.\]%", "[b]", True),
    (r"%\[.\]%", "[7]", True),
    (r"%\[.\]%", "[@]", True),
    (r"%\[.\]%", "[]]", True),
    (r"%\[.\]%", "[ ]", True),
    (r"%\[.\]%", "[]", False),
    # "%10\.10\.0\.1% is the correct way [...] %10.10.0.1% can match "10010,051"".
    (r"%10\.10\.0\.1%", "from 10.10.0.1", True),
    (r"%10\.10\.0\.1%", "10010,051", False),
    ("%10.10.0.1%", "10010,051", True),
    # *: '%ab*c% can match "ac", "abc", and "abbbc"; %ab[0-9]*% can match "ab",
    # "ab0", and "ab129"'.
    ("%ab*c%", "ac", True),
    ("%ab*c%", "abc", True),
    ("%ab*c%", "abbbc", True),
    ("%ab*c%", "adc", False),
    ("%ab[0-9]*%", "ab", True),
    ("%ab[0-9]*%", "ab0", True),
    ("%ab[0-9]*%", "ab129", True),
    # +: '%ab+c% can match "abc", "abbc", and "abbbc", but not "ac"'.
    ("%ab+c%", "abc", True),
    ("%ab+c%", "abbc", True),
    ("%ab+c%", "abbbc", True),
    ("%ab+c%", "ac", False),
    # .: '%.at% matches [...] "hat", "cat", "bat", "4at", "#at" and " at"'.
    ("%.at%", "hat", True),
    ("%.at%", "cat", True),
    ("%.at%", "bat", True),
    ("%.at%", "4at", True),
    ("%.at%", "#at", True),
    ("%.at%", " at", True),
    ("%.at%", "at", False),
    # \d, \D: "%\d% is equivalent to %[0-9]% and %\D% is equivalent to %[^0-9]%".
    (r"%\d%", "port 80", True),
    (r"%\d%", "no port", False),
    ("%[0-9]%", "port 80", True),
    (r"%\D%", "80x", True),
    (r"%\D%", "8080", False),
    ("%[^0-9]%", "8080", False),
    # \s, \S: "Whitespace characters include the tab, space, and newline".
    (r"%\s%", "a b", True),
    (r"%\s%", "a\tb", True),
    (r"%\s%", "a\nb", True),
    (r"%\s%", "ab", False),
    (r"%\S%", "   ", False),
    (r"%\S%", " x ", True),
    # \w, \W: "%\w% is equivalent to %[a-zA-Z_0-9]%".
    (r"%\w%", "_", True),
    (r"%\w%", "!?", False),
    (r"%\W%", "a-b", True),
    (r"%\W%", "ab_9", False),
    # \xhh: "%\x3A% matches :; and %\x28% matches (".
    (r"%\x3A%", "key:value", True),
    (r"%\x3A%", "key=value", False),
    (r"%\x28%", "f(x)", True),
    (r"%\x28%", "f x", False),
    # Beyond the examples: a lone ] or } is an ordinary character, "?" after a
    # repetition makes it lazy, operators and escapes keep their class meaning.
    ("%a]b%", "a]b", True),
    ("%}$%", '{"Message": Success}', True),
    ("%a+?b%", "xaab", True),
    (r"%[\.]%", "a.b", True),
    (r"%[\.]%", "ab", False),
    (r"%[\x41-\x43]%", "xBx", True),
    (r"%[\x41-\x43]%", "xDx", False),
    ("%[.*]%", "2*3", True),
    ("%[.*]%", "23", False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), REGEX)
def test_regex_examples(pattern: str, message: str, expected: bool) -> None:
    assert parse(pattern).matches(message) is expected


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        # "%something!% would be rejected since '!' is not supported."
        ("%something!%", "'!' is not supported"),
        # "The ( and ) operators are not supported."
        ("%(abc)+%", "parentheses are not supported"),
        # "Multi-byte characters are not supported."
        ("%café%", "multi-byte characters are not supported"),
    ],
)
def test_regex_documented_refusals(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError, match=reason):
        parse(pattern)


# --- JSON --------------------------------------------------------------------------

# The sample JSON log event of "Using filter patterns to match terms in JSON log events".
JSON_EVENT = _single_line(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "cluster.name": "c",
    }
)
# The compound-expression sample of the same page.
COMPOUND_EVENT = _single_line(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [
            {"id": 2, "email": "John.Doe@example.com"},
            {"id": 3, "email": "Jane.Doe@example.com"},
        ],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)
# EARLIER: the sample also held "ThisFlag": true.
FLAG_EVENT = _single_line({"eventType": "UpdateTrail", "SomeObject": None, "ThisFlag": True})

JSON_EXAMPLES = [
    # Monitor application events by type.
    ('{ $.eventType = "UpdateTrail" }', JSON_EVENT, True),
    # "This pattern works with any JSON logs containing an eventType field, such as":
    # only the one whose eventType is UpdateTrail matches it.
    (
        '{ $.eventType = "UpdateTrail" }',
        '{"eventType": "UpdateTrail", "source": "cloudtrail"}',
        True,
    ),
    ('{ $.eventType = "UpdateTrail" }', '{"eventType": "UserLogin", "userId": "123"}', False),
    (
        '{ $.eventType = "UpdateTrail" }',
        '{"eventType": "ConfigUpdate", "component": "database"}',
        False,
    ),
    # Block suspicious IP addresses: "doesn't contain a number with the prefix 123.123.".
    ("{ $.sourceIPAddress != 123.123.* }", JSON_EVENT, True),
    ("{ $.sourceIPAddress != 123.123.* }", '{"sourceIPAddress": "123.123.0.7"}', False),
    # Track specific application events.
    ('{ $.arrayKey[0] = "value" }', JSON_EVENT, True),
    ('{ $.arrayKey[1] = "value" }', JSON_EVENT, False),  # (added)
    # Find events using pattern matching: matches "Trail" in "UpdateTrail".
    ("{ $.eventType = %Trail% }", JSON_EVENT, True),
    ("{ $.eventType = %Trail% }", '{"eventType": "UpdateBucket"}', False),
    # Monitor application data with wildcards: matches the element "value".
    ("{ $.arrayKey[*] = %val.{2}% }", JSON_EVENT, True),
    ("{ $.arrayKey[*] = %val.{2}% }", '{"arrayKey": ["va", "another"]}', False),
    # Track network traffic patterns: matches "111.111.111.111".
    (r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }", JSON_EVENT, True),
    (r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }", '{"ip": "111.111.111.2"}', False),
    # Handle JSON properties with special characters.
    ("{ $.['cluster.name'] = \"c\" }", JSON_EVENT, True),
    ("{ $.['cluster.name'] = \"c\" }", '{"cluster": {"name": "c"}}', False),
    # Find null or missing values: "only be true is the specified object is set to null".
    ("{ $.SomeObject IS NULL }", JSON_EVENT, True),
    ("{ $.SomeObject IS NULL }", '{"SomeObject": "set"}', False),
    ("{ $.SomeObject IS NULL }", "{}", False),
    # Detect missing configuration fields: "only be true if specified object does
    # not exist in log data".
    ("{ $.SomeOtherObject NOT EXISTS }", JSON_EVENT, True),
    ("{ $.SomeOtherObject NOT EXISTS }", '{"SomeOtherObject": null}', False),
    # EARLIER: "Filter on the second entry in objectList having a property called id
    # = 2. If objectList is not an array this will be false. If the items in
    # objectList are not objects or do not have an id property, this will be false."
    ("{ $.objectList[1].id = 2 }", JSON_EVENT, True),
    ("{ $.objectList[1].id = 2 }", '{"objectList": {"1": {"id": 2}}}', False),
    ("{ $.objectList[1].id = 2 }", '{"objectList": [1, 2]}', False),
    ("{ $.objectList[1].id = 2 }", '{"objectList": [{"id": 1}, {"name": "b"}]}', False),
    # EARLIER: "If arrayKey is not an array this will be false."
    ('{ $.arrayKey[0] = "value" }', '{"arrayKey": "value"}', False),
    # EARLIER: "Filters on ThisFlag being TRUE. This also works for boolean filters
    # which check for FALSE value."
    ("{ $.ThisFlag IS TRUE }", FLAG_EVENT, True),
    ("{ $.ThisFlag IS FALSE }", FLAG_EVENT, False),
    ("{ $.ThisFlag IS FALSE }", '{"ThisFlag": false}', True),
    # EARLIER, OR Pattern Matching: {$.foo = bar} matches event 1, {$.foo = baz }
    # event 2, {$.foo = bar || $.foo = baz } both.
    ("{$.foo = bar}", '{"foo": "bar"}', True),
    ("{$.foo = bar}", '{"foo": "baz"}', False),
    ("{$.foo = baz }", '{"foo": "bar"}', False),
    ("{$.foo = baz }", '{"foo": "baz"}', True),
    ("{$.foo = bar || $.foo = baz }", '{"foo": "bar"}', True),
    ("{$.foo = bar || $.foo = baz }", '{"foo": "baz"}', True),
    # Compound expressions on the compound sample.
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', COMPOUND_EVENT, True),
    (
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch"'
        ' && $.actions[2] = "nonmatch" }',
        COMPOUND_EVENT,
        True,
    ),
    (
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch")'
        ' && $.actions[2] = "nonmatch" }',
        COMPOUND_EVENT,
        False,
    ),
    (
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
        COMPOUND_EVENT,
        False,
    ),
    # EARLIER: the same compound examples with unquoted nonmatch / nomatch.
    (
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch'
        " && $.actions[2] = nomatch }",
        COMPOUND_EVENT,
        True,
    ),
    (
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch)'
        " && $.actions[2] = nomatch }",
        COMPOUND_EVENT,
        False,
    ),
    # EARLIER, JSON Special Considerations: "both {$.users = 1} and {$.users != 1}
    # will fail to match a log event where users is an array".
    ("{$.users = 1}", '{"users": [1, 2, 3]}', False),
    ("{$.users != 1}", '{"users": [1, 2, 3]}', False),
    # EARLIER, publishing numerical values: "{ $.latency = * } [...] matches the term
    # "latency" in the example JSON log event".
    ("{ $.latency = * }", '{"latency": 50, "requestType": "GET"}', True),
    ("{ $.latency = * }", '{"requestType": "GET"}', False),
    # EARLIER, publishing dimensions: "increments the metric whenever a JSON log
    # event contain the properties eventType and sourceIPAddress".
    ('{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', JSON_EVENT, True),
    ('{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', '{"eventType": "x"}', False),
]

# Writing filter patterns that match numeric values; the pages give no events, so
# each pattern is tried on a value on each side of its bound.
JSON_NUMERIC = [
    ("{ $.bandwidth > 75 }", '{"bandwidth": 76}', True),
    ("{ $.bandwidth > 75 }", '{"bandwidth": 75}', False),
    ("{ $.latency < 50 }", '{"latency": 49}', True),
    ("{ $.latency < 50 }", '{"latency": 50}', False),
    ("{ $.refreshRate >= 60 }", '{"refreshRate": 60}', True),
    ("{ $.refreshRate >= 60 }", '{"refreshRate": 59.9}', False),
    ("{ $.responseTime <= 5 }", '{"responseTime": 5}', True),
    ("{ $.responseTime <= 5 }", '{"responseTime": 6}', False),
    ("{ $.errorCode = 400}", '{"errorCode": 400}', True),
    ("{ $.errorCode = 400}", '{"errorCode": 404}', False),
    ("{ $.errorCode != 500 }", '{"errorCode": 400}', True),
    ("{ $.errorCode != 500 }", '{"errorCode": 500}', False),
    ("{ $.number[0] = 1e+3 }", '{"number": [1000]}', True),
    ("{ $.number[0] = 1e+3 }", '{"number": [1001]}', False),
    ("{ $.number[0] != 1e-3 }", '{"number": [1000]}', True),
    ("{ $.number[0] != 1e-3 }", '{"number": [0.001]}', False),
    # EARLIER (2023): the same two with the signs swapped.
    ("{ $.number[0] = 1e-3 }", '{"number": [0.001]}', True),
    ("{ $.number[0] != 1e+3 }", '{"number": [1000.0]}', False),
    # "Use the asterisk ("*") as a wild card to match numbers."
    ("{ $.errorCode = 4* }", '{"errorCode": 404}', True),
    ("{ $.errorCode = 4* }", '{"errorCode": 500}', False),
    # EARLIER (2021) numeric examples.
    ("{ $.latency >= 500 }", '{"latency": 500}', True),
    ("{ $.latency >= 500 }", '{"latency": 499}', False),
    ("{ $.numbers[0] < 10e3 }", '{"numbers": [9999]}', True),
    ("{ $.numbers[0] < 10e3 }", '{"numbers": [10000]}', False),
    ("{ $.numbers[0] < 10e-3 }", '{"numbers": [0.001]}', True),
    ("{ $.numbers[0] < 10e-3 }", '{"numbers": [0.01]}', False),
    (
        "{ $.processes[4].averageRuntime <= 55.5 }",
        _single_line({"processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}]}),
        True,
    ),
    (
        "{ $.processes[4].averageRuntime <= 55.5 }",
        _single_line({"processes": [{}, {}, {}, {}, {"averageRuntime": 55.6}]}),
        False,
    ),
    ("{ $.errorCode = 400 }", '{"errorCode": 400}', True),
    ("{ $.latency > +1000 }", '{"latency": 1001}', True),
    ("{ $.latency > +1000 }", '{"latency": 1000}', False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), JSON_EXAMPLES + JSON_NUMERIC)
def test_json_examples(pattern: str, message: str, expected: bool) -> None:
    compiled = parse(pattern)

    assert compiled.kind == "json"
    assert compiled.matches(message) is expected


def test_json_examples_do_not_match_the_event_spread_over_several_lines() -> None:
    # A multi-line event is still one JSON document: the single-line advice is about
    # the console's test box, which takes one event per line.
    pretty = json.dumps(json.loads(JSON_EVENT), indent=2)

    assert parse('{ $.eventType = "UpdateTrail" }').matches(pretty)
    assert not parse('{ $.eventType = "UpdateTrail" }').matches(pretty.splitlines()[1])


# --- SPACE -------------------------------------------------------------------------

# "The following code snippet shows a space-delimited log event that contains seven
# fields: ip, user, username, timestamp, request, status_code, and bytes."
APACHE = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
# The pattern-matching sample: four events.
INFO_GET = "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200"
INFO_POST = "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310"
WARNING = "WARNING 09/25/2014 12:00:02 Invalid user request"
ERROR = "ERROR 09/25/2014 12:00:02 Failed to process request"
# EARLIER: the three Apache events.
APACHE_200 = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534'
APACHE_500 = '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324'
APACHE_200B = (
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355'
)
APACHE_THREE = [APACHE_200, APACHE_500, APACHE_200B]

SEVEN = "[ip, user, username, timestamp, request, status_code, bytes]"
IP_REGEX = (
    r"[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]"
)
EITHER_CODE = (
    "[ip, user, username, timestamp, request =*.html*,"
    " status_code = 404 || status_code = 410, bytes]"
)
TOP_LEVEL = "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]"
CHILD_LEVEL = (
    "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]"
)

SPACE_EXAMPLES = [
    # Writing filter patterns that match terms in a space-delimited log event: "ip
    # uses regex that matches IP address range 127.0.0.1 - 127.0.0.9, request [...]
    # must extract a value with .html, and status_code [...] beginning with 4".
    (
        IP_REGEX,
        APACHE,
        True,
    ),
    (
        IP_REGEX,
        APACHE.replace("127.0.0.1", "10.0.0.1"),
        False,
    ),
    # "ellipsis that represent the first four unnamed fields".
    ("[..., request =*.html*, status_code = 4*, bytes]", APACHE, True),
    ("[..., request =*.html*, status_code = 4*, bytes]", APACHE.replace("404", "200"), False),
    # "the value of status_code must be 404 or 410".
    (
        EITHER_CODE,
        APACHE,
        True,
    ),
    (
        EITHER_CODE,
        APACHE.replace("404", "410"),
        True,
    ),
    (
        EITHER_CODE,
        APACHE.replace("404", "403"),
        False,
    ),
    # Match terms in order: "returns log events where the first word [...] is ERROR".
    ("[w1=ERROR, w2]", ERROR, True),
    ("[w1=ERROR, w2]", INFO_GET, False),
    ("[w1=ERROR, w2]", INFO_POST, False),
    ("[w1=ERROR, w2]", WARNING, False),
    # Match terms with AND (&&) and OR (||): "the first word [...] is ERROR or WARNING".
    ("[w1=ERROR || w1=WARNING, w2]", ERROR, True),
    ("[w1=ERROR || w1=WARNING, w2]", WARNING, True),
    ("[w1=ERROR || w1=WARNING, w2]", INFO_GET, False),
    # Exclude terms from matches: "the first words aren't ERROR and WARNING".
    ("[w1!=ERROR && w1!=WARNING, w2]", INFO_GET, True),
    ("[w1!=ERROR && w1!=WARNING, w2]", INFO_POST, True),
    ("[w1!=ERROR && w1!=WARNING, w2]", WARNING, False),
    ("[w1!=ERROR && w1!=WARNING, w2]", ERROR, False),
    # Match the top level item in a resource URI.
    (TOP_LEVEL, INFO_GET, True),
    (TOP_LEVEL, INFO_POST, False),
    (TOP_LEVEL, WARNING, False),
    (TOP_LEVEL, ERROR, False),
    # Match the child level item in a resource URI.
    (CHILD_LEVEL, INFO_POST, True),
    (CHILD_LEVEL, INFO_GET, False),
    # EARLIER: "[ip, user, username, timestamp, request, status_code, bytes]" and
    # the ellipsis shorthand "[..., status_code, bytes]", "[ip, user, ...,
    # status_code, bytes]", "[ip, user, ...]", all on the three Apache events.
    *(
        (pattern, event, True)
        for pattern in (
            SEVEN,
            "[..., status_code, bytes]",
            "[ip, user, ..., status_code, bytes]",
            "[ip, user, ...]",
            "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
        )
        for event in APACHE_THREE
    ),
    (
        "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
        APACHE_200.replace("1534", "999"),
        False,
    ),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]", APACHE_200, True),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]", APACHE_500, False),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]", APACHE_200B, True),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", APACHE_500, False),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", APACHE, True),
    (
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
        APACHE_200,
        False,
    ),
    ("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", APACHE, True),
    # EARLIER: "You can use && as an AND operator" / "|| as a logical OR operator".
    (
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        APACHE,
        True,
    ),
    (
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        APACHE.replace("404", "403"),
        False,
    ),
    (
        "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]",
        APACHE,
        True,
    ),
    (
        "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]",
        APACHE_200,
        False,
    ),
    # EARLIER, OR Pattern Matching on "ERROR message" and "WARN message".
    ("[w1=ERROR, w2]", "ERROR message", True),
    ("[w1=ERROR, w2]", "WARN message", False),
    ("[w1=ERROR || w1=WARN, w2]", "ERROR message", True),
    ("[w1=ERROR || w1=WARN, w2]", "WARN message", True),
    # Example: Count HTTP 404 Codes.
    (
        "[ip, id, user, timestamp, request, status_code=404, size]",
        '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
        True,
    ),
    (
        "[ip, id, user, timestamp, request, status_code=404, size]",
        '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb2.gif HTTP/1.0" 200 2326',
        False,
    ),
    (
        "[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]",
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
        True,
    ),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), SPACE_EXAMPLES)
def test_space_delimited_examples(pattern: str, message: str, expected: bool) -> None:
    compiled = parse(pattern)

    assert compiled.kind == "space"
    assert compiled.matches(message) is expected


# EARLIER, OR Pattern Matching (2021) also claimed that [w1=ERROR, w2] does not
# match "ERROR WARN message", that [w1=ERROR || w1=WARN, w2] does not either, and
# that [w1!=ERROR&&w1!=WARN, w2] matches it. The last claim holds under no reading
# of the syntax, and the current page's rule that a blank trailing field (w2) takes
# the rest of the event gives the outcomes below: the engine follows the current page.
SUPERSEDED = [
    ("[w1=ERROR, w2]", "ERROR WARN message", True),
    ("[w1=ERROR || w1=WARN, w2]", "ERROR WARN message", True),
    ("[w1!=ERROR&&w1!=WARN, w2]", "ERROR WARN message", False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), SUPERSEDED)
def test_superseded_2021_claims_follow_the_current_page(
    pattern: str, message: str, expected: bool
) -> None:
    assert parse(pattern).matches(message) is expected


@pytest.mark.parametrize(
    ("pattern", "message", "extracted"),
    [
        # EARLIER: "Extracted fields for the log event and filter pattern" of
        # "[..., request=*.html*, status_code=4*,]". The page prints the event with
        # JSON-escaped quotes and the request as "/products/index.html"; the event
        # it describes has plain quotes and "/index.html".
        (
            "[..., request=*.html*, status_code=4*,]",
            '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
            {
                "1": "127.0.0.1",
                "2": "-",
                "3": "frank",
                "4": "10/Oct/2000:13:25:15 -0700",
                "request": "GET /index.html HTTP/1.0",
                "status_code": "404",
                "7": "1534",
            },
        ),
        # EARLIER (2023): "Example: Extracted fields and values".
        (
            "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
            APACHE,
            {
                "bytes": "1534",
                "status_code": "404",
                "request": "GET /index.html HTTP/1.0",
                "timestamp": "10/Oct/2000:13:25:15 -0700",
                "username": "frank",
                "user": "Prod",
                "ip": "127.0.0.1",
            },
        ),
        # EARLIER (2023): publishing dimensions from space-delimited log events.
        (
            "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
            APACHE,
            {
                "bytes": "1534",
                "status_code": "404",
                "request": "GET /index.html HTTP/1.0",
                "timestamp": "10/Oct/2000:13:25:15 -0700",
                "username": "frank",
                "server": "Prod",
                "ip": "127.0.0.1",
            },
        ),
        # TestMetricFilter API reference example (its "$size": "1534," has a stray comma).
        *(
            (
                "[ip, identity, user_id, timestamp, request, status_code, size]",
                event,
                {
                    "ip": "127.0.0.1",
                    "identity": "-",
                    "user_id": "frank",
                    "timestamp": stamp,
                    "request": "GET /apache_pb.gif HTTP/1.0",
                    "status_code": status,
                    "size": size,
                },
            )
            for event, stamp, status, size in [
                (APACHE_200, "10/Oct/2000:13:25:15 -0700", "200", "1534"),
                (APACHE_500, "10/Oct/2000:13:35:22 -0700", "500", "5324"),
                (APACHE_200B, "10/Oct/2000:13:50:35 -0700", "200", "4355"),
            ]
        ),
    ],
)
def test_documented_extracted_values(pattern: str, message: str, extracted: dict[str, str]) -> None:
    assert parse(pattern).extract(message) == extracted


# Example: Extract Fields from an Apache Log: six events, metric value $size.
EXTRACT_BYTES_EVENTS = [
    ('127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287', "287"),
    ('127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287', "287"),
    ('127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /~test/ HTTP/1.1" 200 3', "3"),
    ('127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308', "308"),
    ('127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308', "308"),
    ('127.0.0.1 - - [24/Sep/2013:11:51:34 -0700] "GET /~test/index.html HTTP/1.1" 200 3', "3"),
]


@pytest.mark.parametrize(("message", "size"), EXTRACT_BYTES_EVENTS)
def test_extract_bytes_example(message: str, size: str) -> None:
    compiled = parse("[ip, id, user, timestamp, request, status_code, size]")

    extracted = compiled.extract(message)

    assert extracted is not None
    assert extracted["size"] == size
    # "The metric value is the value of the seventh matched token. You can see the
    # reference to the token as "$7"" - and the CLI example uses metricValue=$size.
    assert compiled.can_supply("$size")
    assert compiled.can_supply("$7")
    assert not compiled.can_supply("$8")


@pytest.mark.parametrize(
    ("pattern", "reference"),
    [
        # metricFilter: { $.latency = * } metricValue: $.latency
        ("{ $.latency = * }", "$.latency"),
        # "to set eventType as a dimension, use "eventType" : $.eventType"
        ('{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', "$.eventType"),
        # "to set server as a dimension, use "server" : $server"
        ("[ip, server, username, timestamp, request, status_code, bytes > 1000]", "$server"),
    ],
)
def test_documented_metric_values_and_dimensions(pattern: str, reference: str) -> None:
    assert parse(pattern).can_supply(reference)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        # EARLIER (2021) printed "[ip, user, username, timestamp, request, status_code
        # = 4* && bytes > 1000]": six entries whose last tests a field it does not
        # name. Later revisions dropped it.
        (
            "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",
            "a condition in field status_code can only test status_code",
        ),
        # EARLIER (2021) printed "[w1=!ERROR&&w1=!WARN, w2]"; later revisions use !=.
        ("[w1=!ERROR&&w1=!WARN, w2]", "=! is not an operator; write != for not equal"),
        # JSON: "The variables IS NOT and EXISTS currently aren't supported."
        ("{ $.SomeObject IS NOT NULL }", "IS NOT is not supported"),
        ("{ $.SomeObject EXISTS }", "EXISTS is not supported"),
        # "You can only use up to one wildcard selector in a property selector".
        ('{ $.objectList[*].tags[*] = "a" }', "only one wildcard"),
        # "[...] and up to three wildcard selectors in a filter pattern with compound
        # expressions."
        (
            "{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }",
            "at most 3 wildcard selectors",
        ),
        # "There is a limit of 2 regex for each filter pattern when creating a
        # delimited or JSON filter pattern".
        ("[a=%x%, b=%y%, c=%z%]", "at most 2 regular expressions"),
        ("{ $.a = %x% && $.b = %y% && $.c = %z% }", "at most 2 regular expressions"),
    ],
)
def test_documented_limits_and_errata_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError, match=reason):
        parse(pattern)


def test_two_regexes_are_within_the_quota() -> None:
    assert parse("[a=%x%, b=%y%, c]").matches("x y z")


# --- Where the pages are silent --------------------------------------------------
# Each row pins a decision the engine makes where the pages say nothing explicit;
# the engine's docstrings name the sentences each decision rests on.

UNDOCUMENTED = [
    # A JSON pattern applies to JSON objects only: text, arrays and scalars never
    # match, not even NOT EXISTS.
    ("{ $.a NOT EXISTS }", "plain text event", False),
    ("{ $.a NOT EXISTS }", "[1, 2, 3]", False),
    ("{ $.a NOT EXISTS }", "{}", True),
    ('{ $.a = "x" }', '2024-05-02T09:14:03Z INFO {"a": "x"}', False),
    ('{ $.a = "x" }', '  {"a": "x"}  ', True),
    ('{ $.a = "x" }', '{"a": "x"', False),
    ("{ $.a = * }", '{"a": NaN}', False),
    ("{ $.a NOT EXISTS }", '{"b": ' + "[" * 100_000 + "]" * 100_000 + "}", False),
    # Comparisons hold for value nodes (strings and numbers) only: not for a
    # missing field, null, a boolean, an array or an object, even with != or "*".
    ('{ $.a != "x" }', "{}", False),
    ('{ $.a != "x" }', '{"a": null}', False),
    ('{ $.a = "*" }', '{"a": null}', False),
    ('{ $.a = "*" }', '{"a": true}', False),
    ("{ $.a = true }", '{"a": true}', False),
    ("{ $.a IS TRUE }", '{"a": "true"}', False),
    ("{ $.a = * }", '{"a": {"b": 1}}', False),
    # A bare number is also a word: it equals a string with the same text, while
    # a number node compares by value; order comparisons need number nodes.
    ("{ $.recipientAccountId = 123456789012 }", '{"recipientAccountId": "123456789012"}', True),
    ("{ $.latency = 1500 }", '{"latency": 1.5e3}', True),
    ('{ $.count = "3" }', '{"count": 3}', True),
    ("{ $.count > 2 }", '{"count": "3"}', False),
    ("{ $.count > 2 }", '{"count": true}', False),
    # Only a leading or trailing * is a wildcard ("Ev*ent will only match the
    # actual string Ev*ent").
    ('{ $.a = "Ev*ent" }', '{"a": "Ev*ent"}', True),
    ('{ $.a = "Ev*ent" }', '{"a": "Event"}', False),
    # A wildcard selector holds when any selected node passes; NOT EXISTS when none
    # is selected.
    ("{ $.a[*] NOT EXISTS }", '{"a": []}', True),
    ("{ $.a[*] NOT EXISTS }", '{"a": [1]}', False),
    ("{ $.coordinates[*][1] = 5 }", COMPOUND_EVENT, True),
    ("{ $.coordinates[*][3] = 5 }", COMPOUND_EVENT, False),
    # != with a regex holds for value nodes the regex does not find.
    ("{ $.eventType != %Trail% }", JSON_EVENT, False),
    ("{ $.eventType != %Trail% }", '{"eventType": "PutObject"}', True),
    # A quoted value takes \" for a quote.
    ('{ $.msg = "say \\"hi\\"" }', '{"msg": "say \\"hi\\""}', True),
    ('"say \\"hi\\""', 'they say "hi" twice', True),
    # Without an ellipsis the last field takes the rest of the event; an event with
    # fewer fields than the pattern does not match.
    ("[a, b]", "one", False),
    ("[a, b = two*]", "one two three", True),
    ("[w1 = ERROR]", "ERROR 09/25/2014 12:00:02 Failed", False),
    ("[w1 = ERROR*]", "ERROR 09/25/2014 12:00:02 Failed", True),
    # A numeric condition fails on a field that is not a number, with != too.
    ("[..., status, size > 100]", "GET / 200 -", False),
    ("[..., status != 200, size]", "GET / - 512", False),
    ("[..., status = 200, size]", "GET / 200.0 512", True),
    ("[a > 5]", "9" * 5000, True),
    ("[w1 != %^ERR%, w2]", "INFO started", True),
    ("[w1 != %^ERR%, w2]", "ERROR failed", False),
    # Several ellipses: some placement of the fields must satisfy every condition.
    ("[..., status_code = 4* || status_code = 5*, ...]", APACHE, True),
    ("[..., status_code = 4* || status_code = 5*, ...]", APACHE_200, False),
    ("[ip, ..., status_code = 404, ..., size]", APACHE, True),
    ("[ip, ..., method = POST, ..., size]", APACHE, False),
    ("[a, ..., b, ...]", "one", False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), UNDOCUMENTED)
def test_decisions_where_the_pages_are_silent(pattern: str, message: str, expected: bool) -> None:
    assert parse(pattern).matches(message) is expected


def test_several_ellipses_extract_the_earliest_placement() -> None:
    assert parse("[..., code = 4*, ...]").extract("GET 404 408 done") == {
        "1": "GET",
        "code": "404",
        "3": "408",
        "4": "done",
    }


def test_the_last_field_takes_the_rest_of_the_event() -> None:
    assert parse("[ip, user, rest]").extract(APACHE) == {
        "ip": "127.0.0.1",
        "user": "Prod",
        "rest": 'frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    }


@pytest.mark.parametrize(
    ("pattern", "value", "supplied"),
    [
        # JSON patterns supply any plain selector; metric values may be literals.
        ('{ $.level = "ERROR" }', "$.latency_ms", True),
        ('{ $.level = "ERROR" }', "$.users[0].id", True),
        ('{ $.level = "ERROR" }', "$.['cluster.name']", True),
        ('{ $.level = "ERROR" }', "$.items[*].id", False),
        ('{ $.level = "ERROR" }', "$latency_ms", False),
        ('{ $.level = "ERROR" }', "1", True),
        ('{ $.level = "ERROR" }', '"1"', True),
        ('{ $.level = "ERROR" }', "0.5", True),
        ('{ $.level = "ERROR" }', '"ERROR"', False),
        # Space-delimited patterns supply their named fields and positions.
        ("[ip, user, ..., status_code, size]", "$size", True),
        ("[ip, user, ..., status_code, size]", "$ip", True),
        ("[ip, user, ..., status_code, size]", "$bytes", False),
        ("[ip, user, ..., status_code, size]", "$9", True),
        ("[ip, user, status_code, size]", "$4", True),
        ("[ip, user, status_code, size]", "$5", False),
        ("[ip, user, status_code, size]", "$0", False),
        ("[ip, user, status_code, size]", "$.size", False),
        ("[ip, user, status_code, size]", "1", True),
        ("[ip, user, status_code, size]", "size", False),
        # Term patterns supply literals only.
        ("ERROR", "1", True),
        ("ERROR", "$.latency", False),
        ("ERROR", "$1", False),
    ],
)
def test_can_supply(pattern: str, value: str, supplied: bool) -> None:
    assert parse(pattern).can_supply(value) is supplied


@pytest.mark.parametrize(
    ("pattern", "kind", "selectors", "fields"),
    [
        ("", "term", (), ()),
        ('" "', "term", (), ()),
        ("%ERR%", "term", (), ()),
        ("ERROR -DEBUG", "term", (), ()),
        (
            "{ $.a = 1 || ($.b.c[0] > 2 && $.a != 3) }",
            "json",
            ("$.a", "$.b.c[0]"),
            (),
        ),
        ("[..., status = 5*, , size]", "space", (), ("status", "size")),
    ],
)
def test_kind_selectors_and_fields(
    pattern: str, kind: str, selectors: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    compiled = parse(pattern)

    assert (compiled.kind, compiled.selectors, compiled.fields) == (kind, selectors, fields)


def test_patterns_compare_and_print_by_their_text() -> None:
    assert parse("ERROR") == parse("ERROR")
    assert parse("ERROR") != "ERROR"
    assert repr(parse("{ $.a = 1 }")) == "FilterPattern(kind='json', pattern='{ $.a = 1 }')"


def test_extract_is_empty_for_a_matching_term_or_json_pattern_and_none_otherwise() -> None:
    assert parse("ERROR").extract("ERROR here") == {}
    assert parse("ERROR").extract("INFO here") is None
    assert parse("{ $.a = 1 }").extract('{"a": 1}') == {}
    assert parse("[a, b = x]").extract("y z") is None
