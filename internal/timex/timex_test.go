package timex

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	dateparser "github.com/markusmobius/go-dateparser"
)

// thu is the reference day of most cases: Thursday 16 March 2023.
var thu = time.Date(2023, time.March, 16, 0, 0, 0, 0, time.UTC)

type want struct {
	text string
	date string // 2006-01-02
	gran Granularity
	rel  bool
	conf float64 // 0 = do not check
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(fmt.Sprintf("bad test date %q: %v", s, err))
	}
	return t
}

func TestReferenceIsThursday(t *testing.T) {
	if thu.Weekday() != time.Thursday {
		t.Fatalf("test reference %v is a %v", thu, thu.Weekday())
	}
}

func TestExtract(t *testing.T) {
	jan4 := time.Date(2023, time.January, 4, 0, 0, 0, 0, time.UTC)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	// 22:00 in New York on the 16th is already the 17th in UTC; the
	// article's own calendar day must win.
	thuEvening := time.Date(2023, time.March, 16, 22, 0, 0, 0, ny)

	cases := []struct {
		name string
		text string
		ref  time.Time
		want []want
	}{
		// Absolute dates.
		{"month-day-year", "The ministry said on Feb. 27, 2023, that the bridge would reopen.", thu,
			[]want{{"Feb. 27, 2023", "2023-02-27", Day, false, ConfFullDate}}},
		{"weekday full date", "Flooding began Sunday, March 5, 2023, across the valley.", thu,
			[]want{{"Sunday, March 5, 2023", "2023-03-05", Day, false, ConfFullDate}}},
		{"weekday contradicts date", "Rain fell Friday, March 5, 2023, officials said.", thu,
			[]want{{"Friday, March 5, 2023", "2023-03-05", Day, false, ConfWeekdayMismatch}}},
		{"abbreviated weekday", "PHOTO: Crews work Wed., Nov. 2, 2022, near the dam.", thu,
			[]want{{"Wed., Nov. 2, 2022", "2022-11-02", Day, false, ConfFullDate}}},
		{"day-month-year", "The summit opened 21 November 2022 in the capital.", thu,
			[]want{{"21 November 2022", "2022-11-21", Day, false, ConfFullDate}}},
		{"ordinal of month", "Parades were held on the 4th of July, 2022, despite the heat.", thu,
			[]want{{"4th of July, 2022", "2022-07-04", Day, false, ConfFullDate}}},
		{"ordinal month-first with year", "It closed on Aug. 1st, 2021.", thu,
			[]want{{"Aug. 1st, 2021", "2021-08-01", Day, false, ConfFullDate}}},
		{"all caps dateline", "KYIV — SEPT. 30, 2022 — Sirens sounded.", thu,
			[]want{{"SEPT. 30, 2022", "2022-09-30", Day, false, ConfFullDate}}},
		{"range keeps first day", "The festival ran Aug. 12-14, 2022, in the park.", thu,
			[]want{{"Aug. 12-14, 2022", "2022-08-12", Day, false, ConfFullDate}}},
		{"iso", "Court records dated 2022-12-31 show the transfer.", thu,
			[]want{{"2022-12-31", "2022-12-31", Day, false, ConfFullDate}}},
		{"iso with time", "updated 2023-03-15T18:30:00Z by the desk", thu,
			[]want{{"2023-03-15", "2023-03-15", Day, false, ConfFullDate}}},
		{"us numeric", "The suit was filed 11/28/2022 in federal court.", thu,
			[]want{{"11/28/2022", "2022-11-28", Day, false, ConfFullDate}}},
		{"day-first numeric", "The letter is dated 28/11/2022.", thu,
			[]want{{"28/11/2022", "2022-11-28", Day, false, ConfFullDate}}},
		{"ambiguous numeric", "A notice posted 3/4/2022 warned tenants.", thu,
			[]want{{"3/4/2022", "2022-03-04", Day, false, ConfAmbiguousNumeric}}},
		{"invalid date dropped", "a ticket stamped Feb. 30, 2023 was forged", thu, nil},

		// Year-less dates resolve near the reference.
		{"year-less", "The strike started March 2 and talks resume April 3rd.", thu, []want{
			{"March 2", "2023-03-02", Day, true, ConfYearless},
			{"April 3rd", "2023-04-03", Day, true, ConfYearless}}},
		{"year-less across new year", "Shops have been shut since Dec. 30.", jan4,
			[]want{{"Dec. 30", "2022-12-30", Day, true, ConfYearless}}},
		{"year-less day-first", "Voting closes on 20 March.", thu,
			[]want{{"20 March", "2023-03-20", Day, true, ConfYearless}}},
		{"May with a day is a month", "May 12 protests drew thousands.", thu,
			[]want{{"May 12", "2023-05-12", Day, true, ConfYearless}}},

		// Months and years.
		{"month-year", "Prices have risen since August 2021 and peaked in Oct. 2022.", thu, []want{
			{"August 2021", "2021-08-01", Month, false, ConfMonthYear},
			{"Oct. 2022", "2022-10-01", Month, false, ConfMonthYear}}},
		{"month of year", "It was built in September of 1998.", thu,
			[]want{{"September of 1998", "1998-09-01", Month, false, ConfMonthYear}}},
		{"month last year", "The plant shut in November last year.", thu,
			[]want{{"November last year", "2022-11-01", Month, true, ConfMonthYear}}},
		{"last named month", "Inflation slowed last September.", thu,
			[]want{{"last September", "2022-09-01", Month, true, ConfMonthYear}}},
		{"year after preposition", "The company was founded in 2016 and listed by 2019.", thu, []want{
			{"2016", "2016-01-01", Year, false, ConfYear},
			{"2019", "2019-01-01", Year, false, ConfYear}}},
		{"mid-year", "Construction should finish by mid-2025.", thu, []want{{"2025", "2025-01-01", Year, false, ConfYear}}},

		// Weekdays (reference is a Thursday).
		{"bare weekday", "Ministers met on Monday to discuss the budget.", thu,
			[]want{{"Monday", "2023-03-13", Day, true, ConfWeekday}}},
		{"same weekday is the reference", "The governor resigned Thursday.", thu,
			[]want{{"Thursday", "2023-03-16", Day, true, ConfWeekday}}},
		{"friday is last week", "Markets closed lower on Friday.", thu,
			[]want{{"Friday", "2023-03-10", Day, true, ConfWeekday}}},
		{"weekday night", "The blaze broke out late Wednesday night.", thu,
			[]want{{"Wednesday night", "2023-03-15", Day, true, ConfWeekday}}},
		{"possessive weekday", "Tuesday's vote was close.", thu,
			[]want{{"Tuesday", "2023-03-14", Day, true, ConfWeekday}}},
		{"last weekday", "Police said the suspect was seen last Thursday.", thu,
			[]want{{"last Thursday", "2023-03-09", Day, true, ConfWeekday}}},
		{"this weekday", "The team plays this Saturday.", thu,
			[]want{{"this Saturday", "2023-03-18", Day, true, ConfFutureWeekday}}},
		{"next weekday", "A verdict is expected next Tuesday.", thu,
			[]want{{"next Tuesday", "2023-03-21", Day, true, ConfFutureWeekday}}},
		{"this coming", "Polls open this coming Monday.", thu,
			[]want{{"this coming Monday", "2023-03-20", Day, true, ConfFutureWeekday}}},
		{"this past", "Attendance was down this past Sunday.", thu,
			[]want{{"this past Sunday", "2023-03-12", Day, true, ConfWeekday}}},
		{"weekday year-less date", "Officials will brief reporters Tues., March 21.", thu,
			[]want{{"Tues., March 21", "2023-03-21", Day, true, ConfWeekday}}},

		// Relative expressions.
		{"yesterday and tomorrow", "Crews worked yesterday and will return tomorrow morning.", thu, []want{
			{"yesterday", "2023-03-15", Day, true, ConfRelativeDay},
			{"tomorrow morning", "2023-03-17", Day, true, ConfRelativeDay}}},
		{"today", "The court ruled today.", thu, []want{{"today", "2023-03-16", Day, true, ConfRelativeDay}}},
		{"last night", "Sirens were heard last night.", thu, []want{{"last night", "2023-03-15", Day, true, ConfRelativeDay}}},
		{"day before yesterday", "He landed the day before yesterday.", thu,
			[]want{{"the day before yesterday", "2023-03-14", Day, true, ConfRelativeDay}}},
		{"days ago", "The quake struck three days ago; aftershocks began 10 days ago.", thu, []want{
			{"three days ago", "2023-03-13", Day, true, ConfDaysAgo},
			{"10 days ago", "2023-03-06", Day, true, ConfDaysAgo}}},
		{"vague periods", "Sales dipped last week, rose earlier this month and will slow next month.", thu, []want{
			{"last week", "2023-03-06", Week, true, ConfVague},
			{"earlier this month", "2023-03-01", Month, true, ConfVague},
			{"next month", "2023-04-01", Month, true, ConfVague}}},
		{"years", "Unemployment fell last year and earlier this year.", thu, []want{
			{"last year", "2022-01-01", Year, true, ConfVague},
			{"earlier this year", "2023-01-01", Year, true, ConfVague}}},
		{"units ago", "The law passed six months ago, a week ago the ban began, a couple of years ago it was unthinkable.", thu, []want{
			{"six months ago", "2022-09-01", Month, true, ConfVague},
			{"a week ago", "2023-03-06", Week, true, ConfVague},
			{"a couple of years ago", "2021-01-01", Year, true, ConfVague}}},
		{"weekend", "Thousands marched over the weekend.", thu,
			[]want{{"over the weekend", "2023-03-11", Day, true, ConfWeekend}}},
		{"own calendar day of the reference", "The mayor spoke yesterday.", thuEvening,
			[]want{{"yesterday", "2023-03-15", Day, true, ConfRelativeDay}}},

		// False-positive traps: nothing here is a date.
		{"percent and count", "Shares fell 5% and 12 analysts cut their targets.", thu, nil},
		{"modal and verb", "Officials may decide soon, and crowds will march on the capital.", thu, nil},
		{"May as modal at sentence start", "May the best candidate win, she said.", thu, nil},
		{"big number", "About 400,000 residents lost power and 1,500 shelters opened.", thu, nil},
		{"holidays", "Black Friday sales beat Cyber Monday, and Good Friday services drew crowds.", thu, nil},
		{"shows and papers", "She hosted Saturday Night Live and spoke to the Mail on Sunday and the Sunday Times.", thu, nil},
		{"habit", "The council meets every Tuesday and Sunday school resumes.", thu, nil},
		{"last of month", "Ballots are counted on the last Tuesday of the month.", thu, nil},
		{"narrative weekday", "He arrived on a Monday and left the following Friday.", thu,
			[]want{{"Monday", "2023-03-13", Day, true, ConfWeekday}}},
		{"newspaper today", "He wrote in USA Today that the plan failed.", thu, nil},
		{"bare numbers", "Room 2019 and the 2016 election, a 1990s hit and a Boeing 737.", thu, nil},
		{"fractions scores and times", "After 9/11 the score was 21-17 at 10:30 with 24/7 coverage.", thu, nil},
		{"month names without numbers", "March Madness, April Ryan and Jan Smith met in August heat.", thu, nil},
		{"next day is narrative", "The next day, troops withdrew; the last year was hard.", thu, nil},
		{"year as count", "They counted 1500 ballots in 3000 boxes.", thu, nil},
		{"dates used as names", "Survivors of the Sept. 11 attacks testified to the Jan. 6 committee.", thu, nil},
		{"season", "He joined in 2017-18 and left in 2021-09-30.", thu, []want{
			{"2017-18", "2017-01-01", Year, false, ConfYear},
			{"2021-09-30", "2021-09-30", Day, false, ConfFullDate}}},
		{"percent after month", "Output in May 5 percent higher.", thu, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(c.text, c.ref)
			checkMentions(t, c.text, got, c.want)
		})
	}
}

func checkMentions(t *testing.T, text string, got []Mention, want []want) {
	t.Helper()
	for _, m := range got {
		if text[m.Start:m.End] != m.Text {
			t.Errorf("offsets %d:%d give %q, Text is %q", m.Start, m.End, text[m.Start:m.End], m.Text)
		}
		if m.Date.Location() != time.UTC || m.Date.Hour() != 0 {
			t.Errorf("%q: date %v is not UTC midnight", m.Text, m.Date)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d mentions %s, want %d", len(got), describe(got), len(want))
	}
	for i, w := range want {
		m := got[i]
		if m.Text != w.text || !m.Date.Equal(day(w.date)) || m.Granularity != w.gran || m.Relative != w.rel {
			t.Errorf("mention %d = %q %s %v rel=%v, want %q %s %v rel=%v",
				i, m.Text, m.Date.Format("2006-01-02"), m.Granularity, m.Relative, w.text, w.date, w.gran, w.rel)
		}
		if w.conf != 0 && m.Confidence != w.conf {
			t.Errorf("mention %q confidence %.2f, want %.2f", m.Text, m.Confidence, w.conf)
		}
	}
}

func describe(ms []Mention) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "[%q %s %v] ", m.Text, m.Date.Format("2006-01-02"), m.Granularity)
	}
	return b.String()
}

// With no reference, anything that would need one is dropped, never guessed,
// while explicit dates survive.
func TestExtractZeroReference(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []want
	}{
		{"weekday", "Rebels attacked the base on Tuesday night.", nil},
		{"relative words", "He testified yesterday and will return tomorrow; sales fell last week, two days ago, earlier this month.", nil},
		{"year-less", "Schools reopen Jan. 9 and exams start 14 February.", nil},
		{"weekday year-less", "Talks resume Monday, Jan. 9.", nil},
		{"named month", "Output fell last September and in November last year.", nil},
		{"explicit dates survive", "On Tuesday the board cited its Jan. 9, 2023, filing and a plan from March 2020 made in 2019.", []want{
			{"Jan. 9, 2023", "2023-01-09", Day, false, ConfFullDate},
			{"March 2020", "2020-03-01", Month, false, ConfMonthYear},
			{"2019", "2019-01-01", Year, false, ConfYear}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkMentions(t, c.text, Extract(c.text, time.Time{}), c.want)
		})
	}
}

// go-dateparser serves as an independent oracle for the explicit formats the
// scanner resolves by hand.
func TestExtractAgreesWithDateparser(t *testing.T) {
	cfg := &dateparser.Configuration{Languages: []string{"en"}, DateOrder: dateparser.MDY, CurrentTime: thu}
	for _, s := range []string{
		"Sept. 13, 2021", "Monday, Sept. 13, 2021", "13 September 2021", "2021-09-13",
		"January 18th, 2022", "Feb. 28, 2024", "11/28/2022", "28 Feb 2020", "Dec 1 2019",
	} {
		ms := Extract(s, time.Time{})
		if len(ms) != 1 || ms[0].Text != s {
			t.Errorf("Extract(%q) = %s, want the whole string", s, describe(ms))
			continue
		}
		d, err := dateparser.Parse(cfg, s)
		if err != nil {
			t.Errorf("dateparser.Parse(%q): %v", s, err)
			continue
		}
		if want := d.Time.Format("2006-01-02"); ms[0].Date.Format("2006-01-02") != want {
			t.Errorf("Extract(%q) = %s, dateparser says %s", s, ms[0].Date.Format("2006-01-02"), want)
		}
	}
}

func TestMentionsDoNotOverlap(t *testing.T) {
	ms := Extract(benchArticle, thu)
	if len(ms) < 10 {
		t.Fatalf("only %d mentions in the benchmark article: %s", len(ms), describe(ms))
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Start < ms[i-1].End {
			t.Errorf("%q overlaps %q", ms[i].Text, ms[i-1].Text)
		}
	}
}

func TestInferPublication(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		want     string // "" = false
		minConf  float64
		maxConfx float64
	}{
		{"repeated captions", `Flood water surrounds homes in Jackson, Miss., Tuesday, Aug. 30, 2022.
The city has struggled with its water system since March 12, 2021, officials said.
Residents queue for bottled water Tuesday, Aug. 30, 2022. A worker checks a valve Tuesday, Aug. 30, 2022.`,
			"2022-08-30", 0.7, 0.8},
		{"history is background", "Thursday, Oct. 13, 2022: survivors of the Oct. 17, 1989, earthquake and the Oct. 17, 1989, fires gathered.",
			"2022-10-13", 0.5, 0.6},
		{"tie goes to the latest", "The deal signed Jan. 5, 2023 replaced one from Jan. 3, 2023.", "2023-01-05", 0.5, 0.5},
		{"year-less is not enough", "The vote is on Tuesday, Jan. 7, and results come Jan. 9.", "", 0, 0},
		{"month and year are not enough", "Prices rose in 2021 and again in March 2022.", "", 0, 0},
		{"nothing", "No dates here at all.", "", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, conf, ok := InferPublication(c.text)
			if c.want == "" {
				if ok {
					t.Fatalf("got %v (%.2f), want none", d, conf)
				}
				return
			}
			if !ok || !d.Equal(day(c.want)) {
				t.Fatalf("got %v %v, want %s", d, ok, c.want)
			}
			if conf < c.minConf-1e-9 || conf > c.maxConfx+1e-9 {
				t.Errorf("confidence %.2f outside [%.2f, %.2f]", conf, c.minConf, c.maxConfx)
			}
		})
	}
}

func TestEventDay(t *testing.T) {
	filler := strings.Repeat("The ministry gave no further details about the talks. ", 4)
	cases := []struct {
		name     string
		text     string
		pub      time.Time
		want     string // "" = false
		wantConf float64
	}{
		{"weekday in lead", "KYIV (AP) — The defense minister visited front-line positions on Monday, his office said.", thu,
			"2023-03-13", ConfWeekday},
		{"yesterday in lead", "Parliament approved the budget yesterday after a long debate.", thu, "2023-03-15", ConfRelativeDay},
		{"first confident mention wins", "Troops withdrew on Tuesday, a day after shelling that began Monday.", thu, "2023-03-14", ConfWeekday},
		{"date outside the window is background", "The Oct. 17, 1989, earthquake still shapes building codes. " + filler, thu,
			"2023-03-16", ConfEventFallback},
		{"future is outside the window", "A verdict is expected next Tuesday. " + filler, thu, "2023-03-16", ConfEventFallback},
		{"date after the lead is ignored", filler + "Talks began on Monday.", thu, "2023-03-16", ConfEventFallback},
		{"abbreviations do not end sentences", "Gen. Smith met U.S. envoys at 9 a.m. in St. Louis. They spoke. The visit was brief. Mr. Lee said Tuesday it went well.", thu,
			"2023-03-16", ConfEventFallback},
		{"third sentence counts", "Gen. Smith met U.S. envoys. They spoke at length. The visit ended Tuesday.", thu,
			"2023-03-14", ConfWeekday},
		{"inferred publication", "Rescuers searched the rubble on Wednesday.\n\nPHOTO: A rescuer digs Thursday, Feb. 9, 2023. PHOTO: Volunteers rest Thursday, Feb. 9, 2023.",
			time.Time{}, "2023-02-08", ConfWeekday * 0.7},
		{"inferred publication fallback", "Rescuers kept searching. Dogs helped. Night fell.\n\nPHOTO: A rescuer digs Thursday, Feb. 9, 2023.",
			time.Time{}, "2023-02-09", ConfEventFallback * 0.6},
		{"weekday without any publication", "Rescuers searched the rubble on Wednesday.", time.Time{}, "", 0},
		{"year-less without any publication", "Schools reopen March 2 after the storm.", time.Time{}, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, conf, ok := EventDay(c.text, c.pub)
			if c.want == "" {
				if ok {
					t.Fatalf("got %v (%.2f), want none", d, conf)
				}
				return
			}
			if !ok || !d.Equal(day(c.want)) {
				t.Fatalf("got %v %v, want %s", d.Format("2006-01-02"), ok, c.want)
			}
			if diff := conf - c.wantConf; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("confidence %.3f, want %.3f", conf, c.wantConf)
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	cases := []struct {
		name string
		in   string
		ref  time.Time
		want string // "" = error
		gran Granularity
		rel  bool
	}{
		{"scanner format", "Monday, Sept. 13, 2021", time.Time{}, "2021-09-13", Day, false},
		{"feed timestamp", "Wed, 15 Mar 2023 18:30:00 GMT", time.Time{}, "2023-03-15", Day, false},
		{"dotted european via dateparser", "28.02.2023", time.Time{}, "2023-02-28", Day, false},
		{"relative with reference", "two days ago", thu, "2023-03-14", Day, true},
		{"relative without reference", "yesterday", time.Time{}, "", Day, false},
		{"weekday without reference", "Tuesday", time.Time{}, "", Day, false},
		{"month", "September 2015", time.Time{}, "2015-09-01", Month, false},
		{"garbage", "no date here", time.Time{}, "", Day, false},
		{"empty", "  ", thu, "", Day, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseDay(c.in, c.ref)
			if c.want == "" {
				if err == nil {
					t.Fatalf("got %+v, want an error", m)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDay(%q): %v", c.in, err)
			}
			if !m.Date.Equal(day(c.want)) || m.Granularity != c.gran || m.Relative != c.rel {
				t.Errorf("got %s %v rel=%v, want %s %v rel=%v", m.Date.Format("2006-01-02"), m.Granularity, m.Relative, c.want, c.gran, c.rel)
			}
		})
	}
	if _, err := ParseDay("yesterday", time.Time{}); !errors.Is(err, ErrNoDate) {
		t.Errorf("relative without reference: error %v does not wrap ErrNoDate", err)
	}
}

// benchArticle is a ~3 KB wire-style article with a realistic density of
// temporal expressions.
var benchArticle = strings.Repeat(`WASHINGTON (AP) — Lawmakers on Tuesday advanced a sweeping bill to overhaul the nation's rail safety rules, two weeks after a freight derailment forced thousands of residents from their homes. The Senate committee voted 14-8 late Tuesday night, and a floor vote could come as soon as next Wednesday, aides said. The derailment on Feb. 3, 2023, released about 1.1 million pounds of vinyl chloride, and officials said Monday that cleanup would last until at least May. Rail carriers reported 1,049 derailments in 2022, up 4% from the year before. "We cannot wait for the next disaster," the chairwoman said yesterday. The measure would require two-person crews, a rule the industry has fought since 2016. Shareholders may push back, analysts said. Earlier this month, the company's chief executive apologized, and on March 9 he testified before the panel. `, 4)

func BenchmarkExtract(b *testing.B) {
	b.SetBytes(int64(len(benchArticle)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(benchArticle, thu)
	}
}

func BenchmarkEventDay(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		EventDay(benchArticle, time.Time{})
	}
}
