package entity

import (
	"slices"
	"strings"
	"testing"
)

// pairs renders entities as "Name/type" strings, sorted, for comparisons.
func pairs(es []Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name+"/"+string(e.Type))
	}
	slices.Sort(out)
	return out
}

func find(es []Entity, name string) *Entity {
	for i := range es {
		if es[i].Name == name {
			return &es[i]
		}
	}
	return nil
}

func TestChunking(t *testing.T) {
	tests := []struct {
		name, sentence string
		want           []string
	}{
		{"particle al-", "Forces loyal to Bashar al-Assad shelled the town.", []string{"Bashar al-Assad/person"}},
		{"particle bin", "Crown Prince Mohammed bin Salman met the envoy.", []string{"Mohammed bin Salman/person"}},
		{"particles von der", "They spoke to Ursula von der Leyen by phone.", []string{"Ursula von der Leyen/person"}},
		{"particle el- after given names", "He praised Abdel Fattah el-Sisi on Monday.", []string{"Abdel Fattah el-Sisi/person"}},
		{"apostrophe name", "Justice Sandra Day O'Connor wrote the opinion.", []string{"Sandra Day O'Connor/person"}},
		{"hyphenated given name", "Jean-Claude Juncker attended the dinner in Luxembourg.", []string{"Jean-Claude Juncker/person", "Luxembourg/place"}},
		{"initials", "J.K. Rowling and George W. Bush were both in London.", []string{"George W. Bush/person", "J.K. Rowling/person", "London/place"}},
		{"dotted acronym place", "Officials in the U.S. declined to comment.", []string{"U.S./place"}},
		{"dotted acronym org", "A U.N. spokesman said aid was blocked.", []string{"U.N./org"}},
		{"sentence-initial common word", "However, Putin said nothing.", []string{"Putin/person"}},
		{"sentence-initial article", "The Associated Press reported it first.", []string{"Associated Press/org"}},
		{"opener before a name", "But Angela Merkel disagreed.", []string{"Angela Merkel/person"}},
		{"possessive stripped", "Assad's forces retook Aleppo.", []string{"Aleppo/place", "Assad/person"}},
		{"curly possessive", "Putin’s visit surprised Damascus.", []string{"Damascus/place", "Putin/other"}},
		{"name-led compound", "The Assad-led government and U.S.-backed fighters clashed.", []string{"Assad/person", "U.S./place"}},
		{"prefix compound", "Pro-Iran militias fired at anti-Assad rebels near Idlib.", []string{"Assad/person", "Idlib/place", "Iran/place"}},
		{"two names hyphenated", "The Syria-Turkey border stayed closed.", []string{"Syria/place", "Turkey/place"}},
		{"org of", "The Ministry of Defence denied the report.", []string{"Ministry of Defence/org"}},
		{"org head", "Russian Defence Ministry officials spoke.", []string{"Russian Defence Ministry/org"}},
		{"and inside org", "It filed with the Securities and Exchange Commission.", []string{"Securities and Exchange Commission/org"}},
		{"place head", "Ships crossed the Black Sea.", []string{"Black Sea/place"}},
		{"days and months", "On Tuesday, in March, nothing happened.", nil},
		{"demonyms are not people", "Syrian and Russian officials met Iranian envoys.", []string{"Iranian/other", "Russian/other", "Syrian/other"}},
		{"plural demonym", "Syrians fled while Russians stayed.", []string{"Russians/other", "Syrians/other"}},
		{"place cue", "Fighting was reported near Hmeimim.", []string{"Hmeimim/place"}},
		{"place by transliteration", "Jets took off from Khmeimim.", []string{"Khmeimim/place"}},
		{"title case in the middle", "He met Hezbollah Secretary-General Hassan Nasrallah.", []string{"Hassan Nasrallah/person", "Hezbollah/org"}},
		{"month surname", "Theresa May resigned in May.", []string{"Theresa May/person"}},
		{"number after word", "A Category 5 storm hit.", nil},
		{"quoted opener", `"Nothing has changed," Peskov told reporters.`, []string{"Peskov/person"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairs(Extract("", []string{tt.sentence}))
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Extract(%q)\n got %v\nwant %v", tt.sentence, got, want)
			}
		})
	}
}

func TestRoleStripping(t *testing.T) {
	tests := []struct {
		sentence string
		want     []string
	}{
		{"Russian President Vladimir Putin arrived.", []string{"Russian/other", "Vladimir Putin/person"}},
		{"Kremlin spokesman Dmitry Peskov declined to comment.", []string{"Dmitry Peskov/person", "Kremlin/org"}},
		{"Iranian Gen. Qassem Soleimani was killed.", []string{"Iranian/other", "Qassem Soleimani/person"}},
		{"German Chancellor Angela Merkel travelled.", []string{"Angela Merkel/person", "German/other"}},
		{"Prime Minister Benjamin Netanyahu spoke.", []string{"Benjamin Netanyahu/person"}},
		{"U.N. Secretary-General Antonio Guterres warned.", []string{"Antonio Guterres/person", "U.N./org"}},
		{"Secretary of State Antony Blinken flew in.", []string{"Antony Blinken/person"}},
		{"Senate Majority Leader Chuck Schumer objected.", []string{"Chuck Schumer/person", "Senate/org"}},
		{"Mr. Sunak and Dr. Fauci spoke.", []string{"Fauci/person", "Sunak/person"}},
		{"Lt. Gen. Herzi Halevi said so.", []string{"Herzi Halevi/person"}},
		{"Sheikh Tamim bin Hamad Al Thani hosted talks.", []string{"Tamim bin Hamad Al Thani/person"}},
		{"Iranian Major General Qassem Soleimani died.", []string{"Iranian/other", "Qassem Soleimani/person"}},
		{"The Syrian President did not attend.", []string{"Syrian/other"}},
		{"Former British Prime Minister John Major spoke.", []string{"British/other", "John Major/person"}},
		{"New York Mayor Eric Adams resigned.", []string{"Eric Adams/person", "New York/place"}},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			got := pairs(Extract("", []string{tt.sentence}))
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestAliasMerging(t *testing.T) {
	tests := []struct {
		name      string
		title     string
		sentences []string
		entity    string   // expected Name
		aliases   []string // expected Aliases, any order
		mentions  int
		first     int
	}{
		{
			name: "surname and role forms",
			sentences: []string{
				"Russian President Vladimir Putin arrived in Damascus.",
				"Putin met troops at the base.",
				"Putin’s visit was unannounced.",
			},
			entity: "Vladimir Putin", aliases: []string{"Putin"}, mentions: 3, first: 0,
		},
		{
			name: "article variants",
			sentences: []string{
				"Bashar Assad received the delegation.",
				"Bashar al-Assad thanked Moscow.",
				"Assad's government welcomed the move.",
				"Mr. Assad did not comment further.",
			},
			entity: "Bashar al-Assad", aliases: []string{"Bashar Assad", "Assad"}, mentions: 4, first: 0,
		},
		{
			name:  "title mention counts",
			title: "Peskov Says Kremlin Will Not Comment",
			sentences: []string{
				"Kremlin spokesman Dmitry Peskov spoke to reporters.",
				"Peskov said talks would continue.",
			},
			entity: "Dmitry Peskov", aliases: []string{"Peskov"}, mentions: 3, first: -1,
		},
		{
			name: "given name alone",
			sentences: []string{
				"Xi Jinping arrived in Moscow.",
				"Xi was greeted by an honour guard.",
			},
			entity: "Xi Jinping", aliases: []string{"Xi"}, mentions: 2, first: 0,
		},
		{
			name: "transliteration of the given name",
			sentences: []string{
				"Qassem Soleimani led the Quds Force.",
				"Qasem was killed in Baghdad.",
			},
			entity: "Qassem Soleimani", aliases: []string{"Qasem"}, mentions: 2, first: 0,
		},
		{
			name: "short given name",
			sentences: []string{
				"Joseph R. Biden Jr. took the oath.",
				"Joe Biden then spoke.",
				"Biden thanked his family.",
			},
			entity: "Joseph R. Biden Jr.", aliases: []string{"Joe Biden", "Biden"}, mentions: 3, first: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := Extract(tt.title, tt.sentences)
			e := find(es, tt.entity)
			if e == nil {
				t.Fatalf("no entity %q in %v", tt.entity, pairs(es))
			}
			if e.Type != Person {
				t.Errorf("type %s, want person", e.Type)
			}
			got := slices.Clone(e.Aliases)
			slices.Sort(got)
			want := slices.Clone(tt.aliases)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("aliases %q, want %q", got, want)
			}
			if e.Mentions != tt.mentions || e.FirstSentence != tt.first {
				t.Errorf("mentions %d first %d, want %d %d", e.Mentions, e.FirstSentence, tt.mentions, tt.first)
			}
			for _, o := range es {
				if o.Name != e.Name && o.Type == Person && strings.Contains(e.Name, o.Name) {
					t.Errorf("short form %q left unmerged", o.Name)
				}
			}
		})
	}
}

func TestDifferentPeopleStayApart(t *testing.T) {
	es := Extract("", []string{
		"Hafez al-Assad ruled Syria for three decades.",
		"His son Bashar al-Assad succeeded him in 2000.",
		"Bashar al-Assad later fled to Moscow.",
	})
	if find(es, "Hafez al-Assad") == nil || find(es, "Bashar al-Assad") == nil {
		t.Fatalf("father and son merged: %v", pairs(es))
	}
}

func TestFold(t *testing.T) {
	same := [][]string{
		{"Hmeimim", "Khmeimim"},
		{"Qassem", "Qasem", "Kassem"},
		{"Gaddafi", "Qaddafi", "Gadhafi", "Kadhafi", "Qadhafi"},
		{"Assad", "Asad"},
		{"Soleimani", "Suleimani", "Sulaimani"},
		{"Zelensky", "Zelenskyy", "Zelenskiy"},
		{"Hussein", "Hussain", "Husayn"},
		{"Qaeda", "Qaida"},
		{"Dmitry", "Dmitri", "Dmitriy"},
		{"Raqqa", "Raqqah"},
		{"Kiev", "Kyiv"},
		{"Erdoğan", "Erdogan"},
		{"Mosul", "Mossul"},
		{"Tartus", "Tartous"},
		{"Defence", "Defense"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			if Fold(s) != Fold(group[0]) {
				t.Errorf("Fold(%q)=%q != Fold(%q)=%q", s, Fold(s), group[0], Fold(group[0]))
			}
		}
	}
	different := [][2]string{
		{"Iran", "Iraq"}, {"Austria", "Australia"}, {"Niger", "Nigeria"}, {"Mali", "Malawi"},
		{"Mali", "Male"}, {"Gaza", "Giza"}, {"Slovakia", "Slovenia"}, {"Sudan", "South Sudan"},
		{"Putin", "Patton"}, {"Biden", "Baden"}, {"Bush", "Bash"}, {"Oman", "Amman"},
		{"Kenya", "Guinea"}, {"Guinea", "Guyana"}, {"Chile", "Chili"}, {"Paris", "Peru"},
		{"Jordan", "Jourdain"}, {"Austin", "Boston"}, {"Hamas", "Homs"}, {"Agra", "Accra"},
		{"Gambia", "Zambia"}, {"Trump", "Tramp"}, {"Korea", "Crimea"}, {"Libya", "Liberia"},
	}
	for _, d := range different {
		if Fold(d[0]) == Fold(d[1]) {
			t.Errorf("Fold merges %q and %q into %q", d[0], d[1], Fold(d[0]))
		}
	}
}

func TestKeyOf(t *testing.T) {
	same := []struct {
		t     Type
		names []string
	}{
		{Person, []string{"Bashar al-Assad", "Bashar Assad", "Assad", "Bashar al Assad", "Hafez al-Assad"}},
		{Person, []string{"Muammar Gaddafi", "Moammar Qaddafi", "Gadhafi"}},
		{Person, []string{"Qassem Soleimani", "Qasem Soleimani", "Soleimani"}},
		{Person, []string{"Xi Jinping", "Xi"}},
		{Person, []string{"Martin Luther King Jr.", "King"}},
		{Person, []string{"Ludwig van Beethoven", "Beethoven"}},
		{Place, []string{"U.S.", "US", "United States", "America", "United States of America"}},
		{Place, []string{"Hmeimim", "Khmeimim"}},
		{Place, []string{"Kiev", "Kyiv"}},
		{Place, []string{"Türkiye", "Turkey"}},
		{Org, []string{"U.N.", "UN", "United Nations"}},
		{Org, []string{"Ministry of Defence", "Defense Ministry"}},
		{Org, []string{"Al-Qaeda", "al Qaeda", "al-Qaida"}},
		{Other, []string{"Syrian", "Syrians"}},
	}
	for _, s := range same {
		k0 := KeyOf(s.names[0], s.t)
		if !strings.HasPrefix(k0, string(s.t)+":") {
			t.Errorf("KeyOf(%q) = %q lacks the type prefix", s.names[0], k0)
		}
		for _, n := range s.names[1:] {
			if k := KeyOf(n, s.t); k != k0 {
				t.Errorf("KeyOf(%q)=%q != KeyOf(%q)=%q", n, k, s.names[0], k0)
			}
		}
	}
	different := []struct {
		a, b   string
		ta, tb Type
	}{
		{"Iran", "Iraq", Place, Place},
		{"Jordan", "Jordan", Place, Person},
		{"Vladimir Putin", "Vladimir Zelensky", Person, Person},
		{"Syria", "Syrian", Place, Other},
		{"Niger", "Nigeria", Place, Place},
		{"Bashar al-Assad", "Bashar al-Jaafari", Person, Person},
	}
	for _, d := range different {
		if KeyOf(d.a, d.ta) == KeyOf(d.b, d.tb) {
			t.Errorf("KeyOf(%q,%s) == KeyOf(%q,%s) == %q", d.a, d.ta, d.b, d.tb, KeyOf(d.a, d.ta))
		}
	}
}

func TestKeysAcrossDocuments(t *testing.T) {
	a := Extract("", []string{"Syrian President Bashar al-Assad met Russian officials in Khmeimim."})
	b := Extract("", []string{"Bashar Assad flew to the Hmeimim air base."})
	keys := func(es []Entity) map[string]bool {
		m := map[string]bool{}
		for _, e := range es {
			m[e.Key] = true
		}
		return m
	}
	ka, kb := keys(a), keys(b)
	for _, k := range []string{"person:asad", KeyOf("Hmeimim", Place)} {
		if !ka[k] || !kb[k] {
			t.Errorf("key %q not in both documents: %v / %v", k, ka, kb)
		}
	}
}

func TestSimilar(t *testing.T) {
	if s := Similar("Hezbollah", "Hizballah"); s < 0.85 {
		t.Errorf("Similar(Hezbollah, Hizballah) = %.2f, want >= 0.85", s)
	}
	if s := Similar("Iran", "Iraq"); s > 0.9 {
		t.Errorf("Similar(Iran, Iraq) = %.2f, want <= 0.9", s)
	}
	if s := Similar("Qaddafi", "Gadhafi"); s != 1 {
		t.Errorf("Similar(Qaddafi, Gadhafi) = %.2f, want 1", s)
	}
}

func TestSalienceOrder(t *testing.T) {
	es := Extract("Assad Meets Putin", []string{
		"Vladimir Putin met Bashar al-Assad in Moscow.",
		"Assad thanked Putin and Russia.",
		"Assad also visited Sochi.",
		"Lavrov attended.",
	})
	if len(es) < 4 {
		t.Fatalf("too few entities: %v", pairs(es))
	}
	if es[0].Name != "Bashar al-Assad" || es[1].Name != "Vladimir Putin" {
		t.Errorf("order %v, want Assad then Putin first", pairs(es))
	}
	for i := 1; i < len(es); i++ {
		if es[i].Salience > es[i-1].Salience {
			t.Errorf("not sorted by salience at %d", i)
		}
	}
	if !es[0].InTitle || es[0].FirstSentence != -1 {
		t.Errorf("Assad: InTitle %v FirstSentence %d", es[0].InTitle, es[0].FirstSentence)
	}
}

func TestRestrictedSentences(t *testing.T) {
	es := Extract("Putin Visits Syria As Tensions Rise", []string{
		"Russian President Vladimir Putin arrived in Damascus.",
		"SOLEIMANI’S KILLING IGNITES RUSSIA-VS.-IRAN SCHISM IN SYRIA",
	})
	for _, bad := range []string{"Visits", "Tensions", "Rise", "KILLING", "IGNITES", "SCHISM"} {
		if find(es, bad) != nil {
			t.Errorf("took %q from a Title Case or capitalised line: %v", bad, pairs(es))
		}
	}
	if e := find(es, "Syria"); e == nil || e.FirstSentence != -1 || !e.InTitle {
		t.Errorf("Syria from the title missing: %v", pairs(es))
	}
	if e := find(es, "Vladimir Putin"); e == nil || e.Mentions != 2 {
		t.Errorf("Putin title mention not merged: %+v", e)
	}
	if find(es, "Iran") == nil || find(es, "Russia") == nil {
		t.Errorf("gazetteer names in a capitalised line missed: %v", pairs(es))
	}
}

func TestEmpty(t *testing.T) {
	if es := Extract("", nil); len(es) != 0 {
		t.Errorf("Extract of nothing = %v", es)
	}
	if es := Extract("", []string{"", "   ", "...", "it was a quiet day."}); len(es) != 0 {
		t.Errorf("Extract of no names = %v", pairs(es))
	}
}

// FuzzExtract checks that no input makes Extract panic or return an entity
// without a name, key or mention.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Russian President Vladimir Putin met Bashar al-Assad in Damascus.",
		"SOLEIMANI’S KILLING IGNITES RUSSIA-VS.-IRAN SCHISM IN SYRIA",
		"U.S.-led, pro-Iran and al-Qaeda-linked groups; J.K. O'Brien's Co.",
		"The — “Quote” (Paren) St. Peter's Square, Washington, D.C. Jan. 5",
		"a-b-c-d-e-f-g-h-i-j-k Al- al- -al ' ’s 's",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range Extract(s, strings.Split(s, ".")) {
			if e.Name == "" || e.Key == "" || e.Mentions < 1 {
				t.Fatalf("bad entity %+v from %q", e, s)
			}
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	sents := loadArticle(t)
	want := pairs(Extract("", sents))
	done := make(chan []string)
	for i := 0; i < 4; i++ {
		go func() { done <- pairs(Extract("", sents)) }()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("concurrent Extract differs: %v", got)
		}
	}
}

func TestAcronymsMergeWithTheirNames(t *testing.T) {
	tests := []struct {
		sentences []string
		name      string
		alias     string
	}{
		{[]string{"The Syrian Democratic Forces said on Monday they had withdrawn.", "An SDF spokesman denied the report."}, "Syrian Democratic Forces", "SDF"},
		{[]string{"Inspectors of the International Atomic Energy Agency arrived in Tehran.", "The IAEA said access was limited."}, "International Atomic Energy Agency", "IAEA"},
	}
	for _, tt := range tests {
		ents := Extract("", tt.sentences)
		found := false
		for _, e := range ents {
			if e.Name == tt.alias {
				t.Errorf("%s stands alone beside %s: %+v", tt.alias, tt.name, ents)
			}
			if e.Name == tt.name && slices.Contains(e.Aliases, tt.alias) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s not an alias of %s: %+v", tt.alias, tt.name, ents)
		}
	}
}
