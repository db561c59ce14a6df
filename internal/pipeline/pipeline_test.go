package pipeline

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"storyline/internal/article"
	"storyline/internal/report"
	"storyline/internal/synth"
)

// TestSeeds runs the whole pipeline over the seed articles: three outlets on
// one 2020 summit, one 2021 summit, one undated 2026 visit, all one storyline.
func TestSeeds(t *testing.T) {
	const dir = "../../../shared/seeds"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/seeds beside the repo")
	}
	var r article.Reader
	arts, problems := r.ReadAll(dir)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	p := New(DefaultConfig())
	for _, d := range AnalyzeAll(arts) {
		p.Add(d)
	}
	res := p.Result(Options{})
	if len(res.Storylines) != 1 {
		t.Fatalf("got %d storylines, want 1", len(res.Storylines))
	}
	var sizes []int
	var dates []string
	for _, e := range res.Storylines[0].Events {
		sizes = append(sizes, len(e.Articles))
		if e.Date == nil {
			dates = append(dates, "undated")
		} else {
			dates = append(dates, *e.Date)
		}
		if e.Title == "" {
			t.Errorf("event %s has no title", e.ID)
		}
	}
	if !slices.Equal(sizes, []int{3, 1, 1}) {
		t.Errorf("event sizes %v, want [3 1 1]", sizes)
	}
	if !slices.Equal(dates, []string{"2020-01-07", "2021-09-13", "undated"}) {
		t.Errorf("event dates %v", dates)
	}
}

func TestConfigSet(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Set("threshold", "0.42"); err != nil || cfg.Cluster.Threshold != 0.42 {
		t.Errorf("Set threshold: %v, %v", err, cfg.Cluster.Threshold)
	}
	if err := cfg.Set("no_such_key", "1"); err == nil {
		t.Error("Set accepted an unknown key")
	}
}

func TestDuplicatesAndChanges(t *testing.T) {
	wire := "The central bank raised its main interest rate by half a percentage point on Thursday, the largest increase in two decades, as inflation hit a 40-year high.\n" +
		"Governor Maria Lindqvist told reporters in Stockholm that further increases were likely before the end of the year.\n" +
		"Economists had expected a rise of a quarter point, and the krona jumped against the euro after the announcement.\n" +
		"Mortgage holders face higher monthly payments, and house prices have already fallen for six months in a row.\n" +
		"The bank said inflation would stay above its 2 percent target until at least 2024."
	day := time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC)
	arts := []article.Article{
		{ID: "orig", Title: "Central bank makes biggest rate rise in 20 years", Text: wire, Date: day, Source: "Wire"},
		{ID: "copy", Title: "Rates up by half a point", Text: "STOCKHOLM (Daily Herald) - Homeowners braced for pain.\n" + wire[:len(wire)-60], Date: day, Source: "Daily Herald"},
		{ID: "other", Title: "Wildfire forces evacuations in Portugal", Text: "Firefighters battled a wildfire in central Portugal on Thursday as hundreds of residents of the village of Pedrogao were evacuated.\nStrong winds fanned the flames across pine forests.", Date: day, Source: "Wire"},
	}
	p := New(DefaultConfig())
	var outs []Outcome
	for _, d := range AnalyzeAll(arts) {
		outs = append(outs, p.Add(d))
	}
	if outs[1].DuplicateOf != "orig" || outs[1].Placement.Event != outs[0].Placement.Event {
		t.Fatalf("copy: duplicate of %q in event %d; want orig's event %d", outs[1].DuplicateOf, outs[1].Placement.Event, outs[0].Placement.Event)
	}
	if outs[2].DuplicateOf != "" || outs[2].Placement.Event == outs[0].Placement.Event {
		t.Errorf("unrelated article: %+v", outs[2])
	}
	if again := p.Add(AnalyzeAll(arts[1:2])[0]); !again.Repeat || again.DuplicateOf != "orig" {
		t.Errorf("re-adding the copy: %+v", again)
	}

	ch := p.Changes()
	events, storylines, removed := ch.Events, ch.Storylines, ch.Removed
	if len(events) != 2 || len(storylines) != 2 || len(removed) != 0 {
		t.Fatalf("changes: %d events, %d storylines, %d removed; want 2, 2, 0", len(events), len(storylines), len(removed))
	}
	bank := events[0]
	if len(bank.Articles) != 0 || len(bank.Sources) != 2 || bank.Title == "" || len(bank.Summary) == 0 {
		t.Errorf("bank event in changes: %d articles (want none: the store writes them one by one), sources %v, title %q, %d summary sentences",
			len(bank.Articles), bank.Sources, bank.Title, len(bank.Summary))
	}
	copied, storyline, ok := p.Article("copy")
	if !ok || copied.DuplicateOf != "orig" || copied.Event != bank.ID || storyline != bank.Storyline || copied.Title == "" {
		t.Errorf("Article(copy) = %+v in storyline %q (found %v); want a duplicate of orig in %s of %s", copied, storyline, ok, bank.ID, bank.Storyline)
	}
	if orig, _, _ := p.Article("orig"); orig.Explain == nil || !orig.Explain.NewEvent {
		t.Errorf("Article(orig) explains %+v; want the placement that opened the event", orig.Explain)
	}
	if _, _, ok := p.Article("never-seen"); ok {
		t.Error("Article found an article never added")
	}
	if ch := p.Changes(); len(ch.Events)+len(ch.Storylines)+len(ch.Touched)+len(ch.Removed) != 0 {
		t.Errorf("second Changes without new articles: %+v", ch)
	}
}

// TestRetiredEventsKeepTheirReport checks that an event retired from the
// live window still reports its title, summary, entities and articles, and
// that a Lean pipeline keeps only title and main names once Changes has
// reported it whole.
func TestRetiredEventsKeepTheirReport(t *testing.T) {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(400, 3)) {
		arts = append(arts, a)
	}
	docs := AnalyzeAll(arts)
	for _, lean := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Cluster.IdleArticles = 50
		cfg.Lean = lean
		p := New(cfg)
		first := p.Add(docs[0]).Placement.Event
		for _, d := range docs[1:] {
			p.Add(d)
		}
		if p.placer.Event(first).Hot() {
			t.Fatalf("event %d still live after 400 articles with idle_articles 50", first)
		}
		if lean {
			events := p.Changes().Events
			i := slices.IndexFunc(events, func(e report.Event) bool { return e.ID == EventID(first) })
			if i < 0 || len(events[i].Summary) == 0 || len(events[i].Entities) <= leanEntities {
				t.Errorf("event %d retired before Changes, which reports it with no summary or only main names", first)
			}
		}
		after := p.Event(first, Options{})
		if after.Title == "" || len(after.Articles) != len(p.events[first]) || after.Articles[0].ID != arts[0].ID {
			t.Errorf("lean=%v: retired report %q with %d articles, want a title and its %d articles", lean, after.Title, len(after.Articles), len(p.events[first]))
		}
		if lean != (len(after.Summary) == 0) {
			t.Errorf("lean=%v: retired event has %d summary sentences", lean, len(after.Summary))
		}
		if len(after.Entities) == 0 || (lean && len(after.Entities) > leanEntities) {
			t.Errorf("lean=%v: retired event has %d entities", lean, len(after.Entities))
		}
	}
}

// TestSameInputSameOutput runs the pipeline twice over one stream and
// compares the whole report, summaries and timelines included.
func TestSameInputSameOutput(t *testing.T) {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(300, 5)) {
		arts = append(arts, a)
	}
	docs := AnalyzeAll(arts)
	var outs [2][]byte
	for i := range outs {
		p := New(DefaultConfig())
		for _, d := range docs {
			p.Add(d)
		}
		b, err := json.Marshal(p.Result(Options{Explain: true}))
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = b
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two runs over the same input gave different reports")
	}
}
