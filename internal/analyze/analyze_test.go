package analyze

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"storyline/internal/article"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "plain sentence ends",
			in:   "Rescue crews reached the village late Tuesday. Roads remain closed. Power is out.",
			want: []string{"Rescue crews reached the village late Tuesday.", "Roads remain closed.", "Power is out."},
		},
		{
			name: "question and exclamation marks",
			in:   "Is the dam safe? Engineers are not sure! They will inspect it again.",
			want: []string{"Is the dam safe?", "Engineers are not sure!", "They will inspect it again."},
		},
		{
			name: "month abbreviation Sept.",
			in:   "The hearing was moved to Sept. 14 at the request of the defense. Prosecutors did not object.",
			want: []string{"The hearing was moved to Sept. 14 at the request of the defense.", "Prosecutors did not object."},
		},
		{
			name: "title abbreviation Mr.",
			in:   "Mr. Alvarez was released on bail. His lawyer, Ms. Chen, called the charges baseless.",
			want: []string{"Mr. Alvarez was released on bail.", "His lawyer, Ms. Chen, called the charges baseless."},
		},
		{
			name: "dotted acronym U.S. before a name",
			in:   "The U.S. Senate passed the bill on Thursday. The House votes next week.",
			want: []string{"The U.S. Senate passed the bill on Thursday.", "The House votes next week."},
		},
		{
			name: "time abbreviation p.m.",
			in:   "The polls closed at 8 p.m. Eastern time on Tuesday. Counting began at once.",
			want: []string{"The polls closed at 8 p.m. Eastern time on Tuesday.", "Counting began at once."},
		},
		{
			name: "p.m. followed by lower case",
			in:   "The storm made landfall around 2 p.m. near Lake Charles. Winds reached 150 mph.",
			want: []string{"The storm made landfall around 2 p.m. near Lake Charles.", "Winds reached 150 mph."},
		},
		{
			name: "middle initial",
			in:   "George W. Bush attended the ceremony. He did not speak.",
			want: []string{"George W. Bush attended the ceremony.", "He did not speak."},
		},
		{
			name: "decimal number",
			in:   "Consumer prices rose 2.5 percent in March. Economists had expected 2.3 percent.",
			want: []string{"Consumer prices rose 2.5 percent in March.", "Economists had expected 2.3 percent."},
		},
		{
			name: "closing quote stays with its sentence",
			in:   `"We will rebuild," the mayor said. "Nobody will be left behind." Residents applauded.`,
			want: []string{`"We will rebuild," the mayor said.`, `"Nobody will be left behind."`, "Residents applauded."},
		},
		{
			name: "next sentence starts with a digit",
			in:   "Officials counted the ballots again. 1,200 were rejected.",
			want: []string{"Officials counted the ballots again.", "1,200 were rejected."},
		},
		{
			name: "no split before lower case",
			in:   "The company, based in St. Louis, employs 4,000 people.",
			want: []string{"The company, based in St. Louis, employs 4,000 people."},
		},
		{
			name: "no final punctuation",
			in:   "Talks resume in Geneva. A deal is not expected",
			want: []string{"Talks resume in Geneva.", "A deal is not expected"},
		},
		{
			name: "empty",
			in:   "   ",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitSentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Biden's visit to Kyiv", []string{"biden", "visit", "to", "kyiv"}},
		{"Biden’s visit — a surprise!", []string{"biden", "visit", "a", "surprise"}},
		{"\"Stop,\" he said. (Really?)", []string{"stop", "he", "said", "really"}},
		{"About 1,200 homes", []string{"about", "1,200", "homes"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ a, b string }{
		{"meetings", "meeting"},
		{"protesters", "protester"},
		{"evacuated", "evacuating"},
		{"elections", "election"},
		{"fires", "fire"},
	}
	for _, tt := range tests {
		if sa, sb := Stem(tt.a), Stem(tt.b); sa != sb {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want the same stem", tt.a, sa, tt.b, sb)
		}
	}
	if Stem("election") == Stem("elect") && Stem("fire") == Stem("firm") {
		t.Error("unrelated words share a stem")
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "stop words and reporting verbs dropped",
			in:   "The minister said on Monday that she would resign.",
			want: []string{Stem("minister"), Stem("resign")},
		},
		{
			name: "plural and singular share a term",
			in:   "Two meetings were held; a third meeting is planned.",
			want: []string{Stem("meetings"), Stem("held"), Stem("third"), Stem("meeting"), Stem("planned")},
		},
		{
			name: "single characters dropped",
			in:   "Plan B is a fallback",
			want: []string{Stem("plan"), Stem("fallback")},
		},
		{
			name: "only stop words",
			in:   "He said they would have been there.",
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Terms(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if Stem("meetings") != Stem("meeting") {
		t.Fatal("meetings and meeting stem differently")
	}
}

func TestCount(t *testing.T) {
	v := Count(Terms("Meetings, meeting, meeting: the summit meeting ended. Summit talks."))
	want := map[uint64]float32{TermID(Stem("meeting")): 4, TermID(Stem("summit")): 2, TermID(Stem("ended")): 1, TermID(Stem("talks")): 1}
	if len(v) != len(want) {
		t.Fatalf("Count gave %d terms, want %d: %v", len(v), len(want), v)
	}
	for i, term := range v {
		if i > 0 && v[i-1].ID >= term.ID {
			t.Errorf("vector not sorted by strictly increasing id at %d", i)
		}
		if want[term.ID] != term.W {
			t.Errorf("term %d has weight %v, want %v", term.ID, term.W, want[term.ID])
		}
	}
	if TermID("meet") != 0x42e6f0a2e2fd3fd6 || TermID("meet") == TermID("meat") {
		t.Error("TermID is not FNV-1a of the stem")
	}
}

// hasTerm reports whether v holds the stem of word.
func hasTerm(v Vector, word string) bool {
	id := TermID(Stem(strings.ToLower(word)))
	return slices.ContainsFunc(v, func(t Term) bool { return t.ID == id })
}

func TestAnalyzeNoise(t *testing.T) {
	prose := []string{
		"Flood waters rose to record levels on Monday in Ellicott City, forcing hundreds of residents from their homes.",
		"Gov. Wes Moore declared a state of emergency and asked for federal help.",
		"Forecasters expect more rain in the region through Wednesday.",
	}
	type noise struct {
		text string
		why  Noise
	}
	// anyReason marks paragraphs that must be removed but whose reason is
	// not pinned down yet: captions ending in a parenthesised credit come
	// out as "heading" or "credit", and "Tags:" lines as "heading".
	const anyReason Noise = "any"
	noises := []noise{
		{"By Jane Doe, Associated Press", Byline},
		{"Photo: Volunteers fill sandbags along Main Street in Ellicott City. (Reuters)", Caption},
		{"Residents wade through a flooded street near the Patapsco River, July 30. AFP/Getty Images", Caption},
		{"A man carries his dog through flood water on Main Street in Ellicott City, Md., Monday, July 30, 2018. (AP Photo/John Smith)", anyReason},
		{"Water pours over a bridge. (AP Photo/John Smith)", anyReason},
		{"flooding, maryland, ellicott city, weather", Tags},
		{"Tags: flooding, maryland, weather", anyReason},
		{"Associated Press writer Mark Jones in Baltimore contributed to this report.", Contributed},
		{"Additional reporting by Sam Lee", Contributed},
		{"Click here to sign up for our weather alerts.", Promo},
		{"Copyright 2018 The Associated Press. All rights reserved.", Promo},
		{"WHAT HAPPENS NEXT", Heading},
	}
	var paras []string
	paras = append(paras, noises[0].text, prose[0], noises[1].text, noises[2].text, prose[1], noises[3].text, noises[4].text, noises[11].text, prose[2])
	for _, n := range noises[5:11] {
		paras = append(paras, n.text)
	}
	a := article.Article{ID: "flood-1", Title: "Flash flood hits Ellicott City", Text: strings.Join(paras, "\n\n"), Date: day(2018, 7, 31)}
	d := Analyze(a)

	if !slices.Equal(d.Sentences, prose) {
		t.Errorf("sentences\n got %q\nwant %q", d.Sentences, prose)
	}
	removed := map[string]Noise{}
	for _, r := range d.Noise {
		removed[r.Text] = r.Why
	}
	for _, n := range noises {
		t.Run(n.text, func(t *testing.T) {
			why, ok := removed[n.text]
			switch {
			case !ok:
				t.Errorf("not in Noise")
			case why == Prose:
				t.Errorf("in Noise with an empty reason")
			case n.why != anyReason && why != n.why:
				t.Errorf("removed as %q, want %q", why, n.why)
			}
		})
	}
	if len(d.Noise) != len(noises) {
		t.Errorf("Noise has %d paragraphs, want %d: %+v", len(d.Noise), len(noises), d.Noise)
	}
	// Words only the noise carries must not reach the prose vectors.
	for _, w := range []string{"Smith", "Jones", "sandbags", "AFP", "Getty", "copyright", "click"} {
		if hasTerm(d.Body, w) {
			t.Errorf("Body holds %q from a removed paragraph", w)
		}
	}
	for _, w := range []string{"flood", "emergency", "forecasters"} {
		if !hasTerm(d.Body, w) {
			t.Errorf("Body lacks %q", w)
		}
	}
	if d.Headline != a.Title {
		t.Errorf("Headline = %q, want the title %q", d.Headline, a.Title)
	}
}

func TestAnalyzeHeadlineAndLead(t *testing.T) {
	tests := []struct {
		name     string
		title    string
		text     string
		headline string
	}{
		{
			name:     "title wins",
			title:    "Quake shakes Izmir",
			text:     "RESCUE UNDER WAY\nA strong earthquake struck the Aegean coast of Turkey on Friday.",
			headline: "Quake shakes Izmir",
		},
		{
			name:     "opening heading becomes the headline",
			text:     "Quake shakes Izmir\nA strong earthquake struck the Aegean coast of Turkey on Friday.",
			headline: "Quake shakes Izmir",
		},
		{
			name:     "a dateline is no headline",
			text:     "Friday, Oct. 30, 2020\nA strong earthquake struck the Aegean coast of Turkey on Friday.",
			headline: "",
		},
		{
			name:     "a later heading is no headline",
			text:     "A strong earthquake struck the Aegean coast of Turkey on Friday.\nRescue under way\nCrews searched collapsed buildings.",
			headline: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Analyze(article.Article{ID: "q", Title: tt.title, Text: tt.text})
			if d.Headline != tt.headline {
				t.Errorf("Headline = %q, want %q", d.Headline, tt.headline)
			}
			if !hasTerm(d.Lead, "earthquake") {
				t.Errorf("Lead lacks the first sentence's terms")
			}
			if tt.headline != "" && !hasTerm(d.Lead, "Izmir") {
				t.Errorf("Lead lacks the headline's terms")
			}
		})
	}

	// The lead is the headline and the first two sentences only.
	d := Analyze(article.Article{ID: "l", Title: "Quake shakes Izmir", Text: "A strong earthquake struck Turkey on Friday. Buildings collapsed in the city center. Volunteers brought blankets to survivors."})
	if !hasTerm(d.Lead, "buildings") || hasTerm(d.Lead, "volunteers") || !hasTerm(d.Body, "volunteers") {
		t.Errorf("Lead should hold sentences 1-2 but not 3, Body all of them")
	}
}

func TestAnalyzeEntities(t *testing.T) {
	d := Analyze(article.Article{ID: "e", Title: "Merkel meets Macron in Paris",
		Text: "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris on Tuesday. Merkel and Macron discussed the budget."})
	var names []string
	for _, e := range d.Entities {
		names = append(names, e.Name)
	}
	for _, want := range []string{"Angela Merkel", "Emmanuel Macron", "Paris"} {
		if !slices.Contains(names, want) {
			t.Errorf("Entities %q lack %q", names, want)
		}
	}
}

func TestAnalyzeDates(t *testing.T) {
	tests := []struct {
		name      string
		date      time.Time
		text      string
		wantDate  time.Time
		wantSrc   DateSource
		wantEvent time.Time // zero: no event day
	}{
		{
			name:      "given date, relative weekday in the lead",
			date:      day(2020, 1, 8), // a Wednesday
			text:      "Iranian missiles struck two bases housing U.S. troops in Iraq on Tuesday, officials said.\nNo casualties were reported.",
			wantDate:  day(2020, 1, 8),
			wantSrc:   DateGiven,
			wantEvent: day(2020, 1, 7),
		},
		{
			name:      "given date, no day in the text",
			date:      day(2019, 4, 16),
			text:      "Fire swept through the roof of Notre Dame cathedral in Paris.\nThe spire collapsed.",
			wantDate:  day(2019, 4, 16),
			wantSrc:   DateGiven,
			wantEvent: day(2019, 4, 16),
		},
		{
			name: "undated, date read from a caption",
			text: "President Joe Biden on Monday toured damage from the Caldor fire near Lake Tahoe.\n" +
				"President Joe Biden surveys fire damage in Mather, Calif., Monday, Sept. 13, 2021. (AP Photo/Andrew Harnik)\n" +
				"He urged Congress to pass his climate plan.",
			wantDate:  day(2021, 9, 13),
			wantSrc:   DateInferred,
			wantEvent: day(2021, 9, 13),
		},
		{
			name:      "undated, date read from the prose",
			text:      "The city council voted on March 3, 2009, to close the library.\nResidents protested the decision.",
			wantDate:  day(2009, 3, 3),
			wantSrc:   DateInferred,
			wantEvent: day(2009, 3, 3),
		},
		{
			name:     "undated, no year anywhere",
			text:     "Leaders met on Tuesday in Geneva to discuss a ceasefire.\nThe talks on Sept. 14 lasted four hours.",
			wantSrc:  DateUnknown,
			wantDate: time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Analyze(article.Article{ID: "d", Text: tt.text, Date: tt.date})
			if !d.Date.Equal(tt.wantDate) || d.DateSource != tt.wantSrc {
				t.Errorf("Date = %v (%s), want %v (%s)", d.Date, d.DateSource, tt.wantDate, tt.wantSrc)
			}
			if !d.EventDay.Equal(tt.wantEvent) {
				t.Errorf("EventDay = %v, want %v", d.EventDay, tt.wantEvent)
			}
			if tt.wantEvent.IsZero() {
				if d.EventDayConf != 0 {
					t.Errorf("EventDayConf = %v with no event day", d.EventDayConf)
				}
			} else if d.EventDayConf <= 0 || d.EventDayConf > 1 {
				t.Errorf("EventDayConf = %v, want in (0, 1]", d.EventDayConf)
			}
		})
	}
}

func TestAnalyzeIsPure(t *testing.T) {
	a := article.Article{ID: "p", Title: "Storm batters coast", Source: "wire", Date: day(2022, 9, 29),
		Text: "By Jane Doe, Reuters\nHurricane Ian made landfall in Florida on Wednesday.\nMillions lost power."}
	orig := a
	d1, d2 := Analyze(a), Analyze(a)
	if !reflect.DeepEqual(d1, d2) {
		t.Error("Analyze gave different documents for the same article")
	}
	if !reflect.DeepEqual(a, orig) || !reflect.DeepEqual(d1.Article, orig) {
		t.Error("Analyze changed or did not keep the article")
	}
}

func TestAnalyzeEmpty(t *testing.T) {
	d := Analyze(article.Article{ID: "empty"})
	if len(d.Sentences) != 0 || len(d.Body) != 0 || len(d.Noise) != 0 || d.DateSource != DateUnknown || !d.EventDay.IsZero() {
		t.Errorf("empty article gave %+v", d)
	}
}

// TestFixedClassifications pins down paragraphs that were once misread.
func TestFixedClassifications(t *testing.T) {
	tests := []struct {
		text string
		want Noise
	}{
		{"Supporters of the former president wave flags and hold signs outside the Fulton County courthouse in Atlanta on Monday, Aug. 14, 2023, as a grand jury hears evidence in the election case. (AP Photo/John Smith)", Caption},
		{"President Joe Biden surveys fire damage in Mather, Calif., Monday, Sept. 13, 2021. (AP Photo/Andrew Harnik)", Caption},
		{"Tags: flooding, maryland, weather", Tags},
		{"Tags: Joe Biden, California", Tags},
		{"Officials met on Monday (local time).", Prose},
		{"The minister spoke to reporters in Paris (in French).", Prose},
	}
	for _, tt := range tests {
		if got := classify(tt.text); got != tt.want {
			t.Errorf("classify(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSplitAfterClosableAbbreviations(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"The plant is in the U.S. The company says it will expand.", 2},
		{"The polls closed at 8 p.m. The count began at once.", 2},
		{"He arrived at 8 p.m. Eastern time.", 1},
		{"No. 10 Downing Street said so.", 1},
		{"The U.S. Senate voted.", 1},
	}
	for _, tt := range tests {
		if got := SplitSentences(tt.text); len(got) != tt.want {
			t.Errorf("SplitSentences(%q) = %q, want %d sentences", tt.text, got, tt.want)
		}
	}
}

func TestYearsAndNumbers(t *testing.T) {
	tests := []struct {
		text    string
		years   []int
		numbers []string
	}{
		{"The 2009 quake and the 2012 quake; in 2009 again.", []int{2009, 2012}, nil},
		{"Claims fell to 498,000 from 473,000 (498000 by another count).", nil, []string{"498000", "473000"}},
		{"A $928 billion offer, 52% of it new, 3 senators, 1.5 points.", nil, []string{"928", "52", "1.5"}},
		{"Flight MH370 and room 2012b are no years; 12345 is no year.", nil, []string{"12345"}},
		{"On 12 June 2018 at 4:59 PM.", []int{2018}, []string{"12", "59"}},
	}
	for _, tt := range tests {
		if got := yearsOf(tt.text); !slices.Equal(got, tt.years) {
			t.Errorf("yearsOf(%q) = %v, want %v", tt.text, got, tt.years)
		}
		if got := numbersOf(tt.text); !slices.Equal(got, tt.numbers) {
			t.Errorf("numbersOf(%q) = %v, want %v", tt.text, got, tt.numbers)
		}
	}
}
