// Package report defines what Storyline tells its users: storylines, their
// events and articles, as plain values. The CLI prints them, the store keeps
// them and the server serves them; their JSON form is a public contract:
// fields are added, never renamed.
package report

// A Result is the whole picture: every storyline, each with its events.
type Result struct {
	Storylines []Storyline `json:"storylines"`
}

// A Storyline is a thread of events that share their main actors and subject.
type Storyline struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Events []Event `json:"events"` // dated events by date, then undated ones
	// Timeline holds the storyline's key dates, in date order: its dated
	// events (of two with the same title, the more salient), or, for a
	// long storyline, its 100 most salient, one a day.
	Timeline []TimelineEntry `json:"timeline"`
	// Entities are its main names, most widespread first, at most 50.
	Entities []Entity `json:"entities,omitempty"`
}

// A TimelineEntry is one dated event of a storyline's timeline.
type TimelineEntry struct {
	Date  string `json:"date"`
	Event string `json:"event"`
	Title string `json:"title"`
	// Salience ranks entries for a shorter timeline: how widely the event
	// was reported and how often the storyline's articles recall its date.
	Salience float64 `json:"salience"`
}

// An Event is one real-world happening and the articles that report it.
type Event struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Date  *string `json:"date"` // YYYY-MM-DD, or null when undated
	// DateSource says how Date was obtained: "given" when articles carried
	// it, "inferred" when read from their text, "unknown" when undated.
	DateSource     string     `json:"date_source"`
	DateConfidence float64    `json:"date_confidence"`
	Storyline      string     `json:"storyline"`
	Summary        []Sentence `json:"summary"`
	Entities       []Entity   `json:"entities"`
	Sources        []string   `json:"sources,omitempty"` // distinct outlets
	Articles       []Article  `json:"articles"`
}

// A Sentence is one summary sentence with the article it came from.
type Sentence struct {
	Text    string `json:"text"`
	Article string `json:"article"`
}

// An Entity is a named person, place, organisation or group, merged across
// spellings.
type Entity struct {
	// Key identifies the entity across articles and events: spellings of
	// one name ("Assad", "Bashar al-Assad"; "Hmeimim", "Khmeimim") share it.
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Type     string   `json:"type"` // person, place, org or other
	Aliases  []string `json:"aliases"`
	Mentions int      `json:"mentions"`
}

// An Article is one source article of an event.
type Article struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Date        *string  `json:"date"`
	DateSource  string   `json:"date_source"`
	URL         string   `json:"url,omitempty"`
	Source      string   `json:"source,omitempty"`
	Author      string   `json:"author,omitempty"`
	Event       string   `json:"event,omitempty"`
	DuplicateOf string   `json:"duplicate_of,omitempty"`
	Explain     *Explain `json:"explain,omitempty"`
}

// Explain tells why an article landed where it did.
type Explain struct {
	NewEvent bool `json:"new_event"`
	// MovedFrom names the event the article was first placed in, when a
	// later revision moved it.
	MovedFrom     string  `json:"moved_from,omitempty"`
	Candidates    int     `json:"candidates"`
	BestCandidate string  `json:"best_candidate,omitempty"`
	Body          float64 `json:"body"`
	Lead          float64 `json:"lead"`
	Entities      float64 `json:"entities"`
	DaysApart     float64 `json:"days_apart"`
	TimeFactor    float64 `json:"time_factor"`
	Similarity    float64 `json:"similarity"`
	Threshold     float64 `json:"threshold"`
	// Contributions are what each feature added to the log-odds of joining
	// the best candidate, largest first; empty under the hand-weighted rule.
	Contributions []Contribution `json:"contributions,omitempty"`
}

// A Contribution is what one feature of a join decision added to its
// log-odds: its value times its weight.
type Contribution struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	LogOdds float64 `json:"log_odds"`
}
