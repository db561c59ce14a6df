package analyze

import (
	"slices"
	"strings"
	"testing"

	"storyline/internal/article"
)

func TestUntokenize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"brackets", "WASHINGTON -LRB- Reuters -RRB- - The World Health Organisation -LRB- WHO -RRB- said", "WASHINGTON (Reuters) - The World Health Organisation (WHO) said"},
		{"double quotes", "he said `` we are safe '' , and left", `he said "we are safe", and left`},
		{"single quotes", "Haiti ` tragedy ' for all", "Haiti 'tragedy' for all"},
		{"plural possessive", "travellers ' illnesses prompt concern", "travellers' illnesses prompt concern"},
		{"contractions", "But it does n't mean we are safe , and they ca n't say", "But it doesn't mean we are safe, and they can't say"},
		{"possessive", "Roche AG 's Tamiflu", "Roche AG's Tamiflu"},
		{"spaced punctuation", "in Haiti , Port-au-Prince ; on Monday . Then 50 % more ?", "in Haiti, Port-au-Prince; on Monday. Then 50% more?"},
		{"punctuation run", "the dose -LRB- 5 mg -RRB- , he said", "the dose (5 mg), he said"},
		{"clock", "Published 12: 17 am, Monday", "Published 12:17 am, Monday"},
		{"numeric date", "10:10 AM PDT 6 / 6 / 2013", "10:10 AM PDT 6/6/2013"},
		{"web address", "told ESPN. com on Friday", "told ESPN.com on Friday"},
		{"bullets", "\\* Turkey confirms first case \\* Virus detected in traveller", "\nTurkey confirms first case\nVirus detected in traveller"},
		{"server error", "Page (an error occurred while processing this directive) Wyclef", "Page Wyclef"},
		{"edited prose is unchanged", "He said: \"It's 4:59 and we're late.\" (AP) Prices rose 5%.", "He said: \"It's 4:59 and we're late.\" (AP) Prices rose 5%."},
		{"a year and a count are no clock", "In 2010: 15 people died", "In 2010: 15 people died"},
		{"line breaks kept", "One , two .\nThree .", "One, two.\nThree."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := untokenize(tt.in); got != tt.want {
				t.Errorf("untokenize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripLeader(t *testing.T) {
	tests := []struct {
		name, in, rest string
		why            Noise
	}{
		{"wire dateline with byline and stamp before it",
			"By Maggie Fox, Health and Science Editor WASHINGTON | Mon Mar 2, 2009 4:23 pm EST WASHINGTON (Reuters) - Virtually all cases resist the drug.",
			"Virtually all cases resist the drug.", Dateline},
		{"dateline with region and date", "SAN JUAN, Puerto Rico, May 25 (AP) — The storm hit.", "The storm hit.", Dateline},
		{"agency alone after a stamp", "Sun Apr 26, 2009 10:12 pm BST (Reuters) - The WHO said.", "The WHO said.", Dateline},
		{"AP-style dash", "MOSCOW — Russian President Vladimir Putin met Syrian President Bashar Assad.", "Russian President Vladimir Putin met Syrian President Bashar Assad.", Dateline},
		{"page stamp", "Page last updated at 14:47 GMT, Wednesday, 28 September 2011 15:47 UK Fearne Cotton appears with the band.", "Fearne Cotton appears with the band.", Dateline},
		{"date then stamp then navigation", "7 November 2011 Last updated at 21:40 GMT Help Michael Jackson's doctor has been found guilty.", "Michael Jackson's doctor has been found guilty.", Dateline},
		{"newspaper stamp", "Sunday 26 April 2009 11.25 BST An electron micrograph of the virus.", "An electron micrograph of the virus.", Dateline},
		{"blog author and stamp", "Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010 At the airport the queues grew.", "At the airport the queues grew.", Dateline},
		{"label stamp", "Last updated: 14 January, 2010 - 17:26 GMT Haiti earthquake: expats return.", "Haiti earthquake: expats return.", Dateline},
		{"date set off by a dash", "27/09/2013 - Turkmenistan to hold elections", "Turkmenistan to hold elections", Dateline},
		{"stamp with an at sign", "12 January 2010 @ 09:29 pm", "", Dateline},
		{"byline run into the lead", "By Peter Bowes BBC News, Los Angeles The trial has drawn crowds.", "The trial has drawn crowds.", Byline},
		{"byline and outlet before the subject", "By Andrew Cohen The Atlantic Murray will be sentenced on 29 November.", "Murray will be sentenced on 29 November.", Byline},
		{"two bylines", "By Niu Shuping and Ken Wills Nevermind that the flu is mild.", "Nevermind that the flu is mild.", Byline},
		// Prose that merely opens with these words is left alone.
		{"date opening a sentence", "May 5 was the day the strike began.", "May 5 was the day the strike began.", Prose},
		{"time opening a sentence", "On Tuesday at 10:30 the police arrived.", "On Tuesday at 10:30 the police arrived.", Prose},
		{"by a day", "By Monday, they should have enough virus.", "By Monday, they should have enough virus.", Prose},
		{"by a phrase", "By noon the streets were empty.", "By noon the streets were empty.", Prose},
		{"bracket mid-sentence", "The group said the vote (Tuesday) - a first - was fair.", "The group said the vote (Tuesday) - a first - was fair.", Prose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, cut, why := stripLeader(tt.in)
			if rest != tt.rest || why != tt.why {
				t.Errorf("stripLeader(%q) = %q (cut %q, %q), want %q (%q)", tt.in, rest, cut, why, tt.rest, tt.why)
			}
			if why != Prose && !strings.HasSuffix(tt.in, rest) {
				t.Errorf("rest %q is not the end of the paragraph", rest)
			}
		})
	}
}

func TestClassifyFurniture(t *testing.T) {
	tests := []struct {
		in   string
		want Noise
	}{
		{"PLEASE NOTE: We are unable to offer transcripts for our program interviews.", Notice},
		{"Transmission details in the Programme Information 7-day version are not updated after publication.", Notice},
		{"Editor's note: This story has been corrected.", Notice},
		{"Posted: Jul 07, 2012 7:40 PM ET", Dateline},
		{"Monday, July 22, 2013", Dateline},
		{"A police woman wears a mask in Mexico City April 24, 2009.", Caption},
		{"By Monday, they should have enough virus to begin the next stage.", Prose},
		{"The law takes effect on January 1, 2010.", Prose},
		{"Health officials said on Monday, May 4, 2009.", Prose},
		{"Note that the vaccine is free.", Prose},
	}
	for _, tt := range tests {
		if got := classify(tt.in); got != tt.want {
			t.Errorf("classify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCaptionText(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Caption Russian President Vladimir Putin, right, sits with Syrian President Bashar Assad during their meeting in the Kremlin in Moscow, Russia, Monday, Sept. 13, 2021. (Mikhail Klimentyev, Sputnik, Kremlin Pool Photo via AP) Credit: Mikhail Klimentyev",
			"Russian President Vladimir Putin sits with Syrian President Bashar Assad during their meeting in the Kremlin in Moscow, Russia", true},
		{"Firefighters battle the Caldor fire near Lake Tahoe (L) on Monday. Photograph: Noah Berger/AP", "Firefighters battle the Caldor fire near Lake Tahoe on Monday", true},
		{"FILE - In this Jan. 7, 2020 photo, Putin visits Damascus. (AP Photo)", "", false},
		{"Photo: (AP Photo/John Smith)", "", false},
	}
	for _, tt := range tests {
		got, ok := CaptionText(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("CaptionText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestAnalyzeCleansBeforeAnalysis checks that furniture and tokeniser
// debris reach neither the sentences nor the headline nor the entities,
// while the dateline's date still dates the article.
func TestAnalyzeCleansBeforeAnalysis(t *testing.T) {
	a := article.Article{ID: "x", Text: "By Maggie Fox , Health and Science Editor WASHINGTON | Mon Mar 2 , 2009 4:23 pm EST WASHINGTON -LRB- Reuters -RRB- - Virtually all flu cases resist Roche AG 's Tamiflu , the U.S. Centers for Disease Control and Prevention reported on Monday . \n`` It 's bad news , '' said Dr. Anne Moscona .\nPLEASE NOTE : We are unable to offer transcripts for our program interviews ."}
	d := Analyze(a)
	want := []string{
		"Virtually all flu cases resist Roche AG's Tamiflu, the U.S. Centers for Disease Control and Prevention reported on Monday.",
		`"It's bad news," said Dr. Anne Moscona.`,
	}
	if !slices.Equal(d.Sentences, want) {
		t.Errorf("sentences\n got %q\nwant %q", d.Sentences, want)
	}
	for _, e := range d.Entities {
		if strings.Contains(e.Name, "LRB") || strings.Contains(e.Name, "Maggie") || e.Name == "WASHINGTON" {
			t.Errorf("entity %q comes from furniture or debris", e.Name)
		}
	}
	if d.DateSource != DateInferred || d.Date.Format("2006-01-02") != "2009-03-02" {
		t.Errorf("date %v (%s), want 2009-03-02 read from the dateline", d.Date, d.DateSource)
	}
	var whys []Noise
	for _, n := range d.Noise {
		whys = append(whys, n.Why)
	}
	if !slices.Contains(whys, Dateline) || !slices.Contains(whys, Notice) {
		t.Errorf("noise %v, want a dateline and a notice", whys)
	}
}

func TestIsFurniture(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"MEXICO CITY | Sat May 2, 2009 4:32pm EDT", true},
		{"Page last updated at 15:47 GMT", true},
		{"By Maggie Fox, Health and Science Editor", true},
		{"PLEASE NOTE : We are unable to offer transcripts for our program interviews .", true},
		{"12 January 2010 @ 09: 29 pm", true},
		{"WASHINGTON (Reuters) -", true},
		{"Mexico shuts down to slow the spread of swine flu", false},
		{"By the numbers: how the flu spread", false},
	}
	for _, tt := range tests {
		if got := IsFurniture(tt.in); got != tt.want {
			t.Errorf("IsFurniture(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSplitRunTogether(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Haiti earthquake: many feared dead The earthquake is the worst to hit Haiti in 200 years.",
			[]string{"Haiti earthquake: many feared dead", "The earthquake is the worst to hit Haiti in 200 years."}},
		{"Doctor goes on trial The defense says he was a friend She denies it.",
			[]string{"Doctor goes on trial", "The defense says he was a friend", "She denies it."}},
		// Names that open with an opener are followed by a capital.
		{"He told The Associated Press that the talks had failed.", []string{"He told The Associated Press that the talks had failed."}},
		{"The envoys met in The Hague on Monday.", []string{"The envoys met in The Hague on Monday."}},
		// After punctuation the sentence splitter has already decided.
		{"It rained, The end came later.", []string{"It rained, The end came later."}},
	}
	for _, tt := range tests {
		if got := splitRunTogether(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitRunTogether(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAnalyzeRunInHeading checks that a heading run into an article's first
// sentence becomes its headline, and one run into a later sentence does
// not.
func TestAnalyzeRunInHeading(t *testing.T) {
	d := Analyze(article.Article{ID: "x", Text: "Haiti earthquake: many feared dead The earthquake is the worst to hit Haiti in 200 years.\nRescuers dug through the night They found survivors."})
	if d.Headline != "Haiti earthquake: many feared dead" {
		t.Errorf("headline %q", d.Headline)
	}
	want := []string{"The earthquake is the worst to hit Haiti in 200 years.", "Rescuers dug through the night", "They found survivors."}
	if !slices.Equal(d.Sentences, want) {
		t.Errorf("sentences %q, want %q", d.Sentences, want)
	}
	// A given title stays the headline.
	d = Analyze(article.Article{ID: "y", Title: "Quake kills thousands", Text: "Haiti earthquake: many feared dead The earthquake is the worst to hit Haiti in 200 years."})
	if d.Headline != "Quake kills thousands" || len(d.Sentences) != 2 {
		t.Errorf("headline %q, sentences %q", d.Headline, d.Sentences)
	}
}
