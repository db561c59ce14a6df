package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"storyline/internal/pipeline"
)

// evalRow is one dataset scored under one setting.
type evalRow struct {
	File    string `json:"file"`
	Setting string `json:"setting,omitempty"` // key=value of a --sweep, empty for the defaults
	pipeline.Evaluation
}

func evalCommand() *cobra.Command {
	var (
		asJSON, byDate bool
		timelines      bool
		sweep, refs    string
		orders         int
	)
	cmd := &cobra.Command{
		Use:   "eval GOLD.jsonl...",
		Short: "Run the pipeline over labelled articles and score its events against the gold labels",
		Long: `Run the pipeline over labelled articles and score its events against the gold labels.

Each file is analysed once, then placed in file order (or by date with --by-date)
and, with --orders N, in N-1 more seeded shuffles: the scores are the mean over
the orders, with the spread of the F1 figures. --sweep key=v1,v2,... scores each
value of one parameter in one run.`,
		Args: cobra.MinimumNArgs(1),
	}
	config := configFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file and setting")
	cmd.Flags().BoolVar(&byDate, "by-date", false, "place articles in date order instead of file order")
	cmd.Flags().StringVar(&sweep, "sweep", "", "evaluate several values of one parameter, e.g. threshold=0.2,0.3,0.4")
	cmd.Flags().IntVar(&orders, "orders", 1, "stream orders to average over: the file order, then seeded shuffles")
	cmd.Flags().BoolVar(&timelines, "timelines", false, "score storyline timelines: eval --timelines ARTICLES.jsonl TIMELINES.jsonl")
	cmd.Flags().StringVar(&refs, "summaries", "", "score event summaries and titles (ROUGE) against reference summaries in this JSONL file")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		base, err := config()
		if err != nil {
			return err
		}
		settings, err := sweepSettings(base, sweep)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		if timelines {
			if len(args) != 2 {
				return fmt.Errorf("eval --timelines: want ARTICLES.jsonl TIMELINES.jsonl")
			}
			return evalTimelines(w, base, args[0], args[1], asJSON)
		}
		if refs != "" {
			return evalSummaries(w, base, refs, args, asJSON)
		}
		if !asJSON {
			printEvalHeader(w, orders > 1)
		}
		for _, path := range args {
			arts := readArticles([]string{path})
			if len(arts) == 0 {
				return fmt.Errorf("eval %s: no articles", path)
			}
			docs := pipeline.AnalyzeAll(arts)
			if byDate {
				pipeline.ByDate(docs)
			}
			for _, s := range settings {
				ev, err := pipeline.Evaluate(s.cfg, docs, orders)
				if err != nil {
					return fmt.Errorf("eval %s: %w", path, err)
				}
				row := evalRow{File: path, Setting: s.name, Evaluation: ev}
				if asJSON {
					if err := json.NewEncoder(w).Encode(row); err != nil {
						return err
					}
					continue
				}
				printEvalRow(w, row)
			}
		}
		return nil
	}
	return cmd
}

type setting struct {
	name string
	cfg  pipeline.Config
}

// sweepSettings expands "key=v1,v2" into one configuration per value.
func sweepSettings(base pipeline.Config, sweep string) ([]setting, error) {
	if sweep == "" {
		return []setting{{cfg: base}}, nil
	}
	key, values, ok := strings.Cut(sweep, "=")
	if !ok || values == "" {
		return nil, fmt.Errorf("--sweep %q: want key=v1,v2 and so on", sweep)
	}
	var out []setting
	for v := range strings.SplitSeq(values, ",") {
		cfg := base
		if err := cfg.Set(key, strings.TrimSpace(v)); err != nil {
			return nil, fmt.Errorf("--sweep: %w", err)
		}
		out = append(out, setting{name: key + "=" + strings.TrimSpace(v), cfg: cfg})
	}
	return out, nil
}

func printEvalHeader(w io.Writer, spread bool) {
	f1 := "pairwise P/R/F1"
	if spread {
		f1 = "pairwise P/R/F1 ±sd"
	}
	fmt.Fprintf(w, "%-22s %-20s %5s %5s %5s  %-23s  %-17s  %5s  %5s  %6s\n",
		"file", "setting", "arts", "gold", "pred", f1, "B-cubed P/R/F1", "ARI", "NMI", "art/s")
}

func printEvalRow(w io.Writer, r evalRow) {
	setting := r.Setting
	if setting == "" {
		setting = "defaults"
	}
	pw := fmt.Sprintf("%.3f/%.3f/%.3f", r.Pairwise.Precision, r.Pairwise.Recall, r.Pairwise.F1)
	if r.Orders > 1 {
		pw += fmt.Sprintf(" ±%.3f", r.PairwiseF1SD)
	}
	fmt.Fprintf(w, "%-22s %-20s %5d %5d %5d  %-23s  %.3f/%.3f/%.3f  %.3f  %.3f  %6.0f\n",
		shortName(r.File, 22), setting, r.Articles, r.GoldClusters, r.PredClusters, pw,
		r.BCubed.Precision, r.BCubed.Recall, r.BCubed.F1, r.ARI, r.NMI, r.ArticlesPerSecond)
}

// shortName keeps the end of a path, which tells datasets apart.
func shortName(path string, n int) string {
	if r := []rune(path); len(r) > n {
		return "…" + string(r[len(r)-n+1:])
	}
	return path
}

// summaryRow is one dataset's summary scores.
type summaryRow struct {
	File string `json:"file"`
	pipeline.SummaryEvaluation
}

func evalSummaries(w io.Writer, cfg pipeline.Config, refsPath string, paths []string, asJSON bool) error {
	refs, err := readReferences(refsPath)
	if err != nil {
		return err
	}
	if !asJSON {
		fmt.Fprintf(w, "%-22s %6s  %-26s  %-26s  %-26s\n", "file", "events", "predicted R1/R2/title-R1", "gold clusters R1/R2/title", "lead baseline R1/R2/title")
	}
	for _, path := range paths {
		arts := readArticles([]string{path})
		if len(arts) == 0 {
			return fmt.Errorf("eval %s: no articles", path)
		}
		ev := pipeline.EvaluateSummaries(cfg, pipeline.AnalyzeAll(arts), refs)
		if asJSON {
			if err := json.NewEncoder(w).Encode(summaryRow{File: path, SummaryEvaluation: ev}); err != nil {
				return err
			}
			continue
		}
		f := func(r pipeline.RougeScores) string {
			return fmt.Sprintf("%.3f/%.3f/%.3f", r.Rouge1, r.Rouge2, r.TitleRouge1)
		}
		fmt.Fprintf(w, "%-22s %6d  %-26s  %-26s  %-26s\n", shortName(path, 22), ev.Events, f(ev.Predicted), f(ev.Gold), f(ev.Lead))
	}
	return nil
}

// readReferences reads reference summaries, one JSON object a line.
func readReferences(path string) ([]pipeline.SummaryReference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("references: %w", err)
	}
	defer f.Close()
	var refs []pipeline.SummaryReference
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r pipeline.SummaryReference
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("references %s:%d: %w", path, line, err)
		}
		if r.Event == "" || r.Summary == "" {
			return nil, fmt.Errorf("references %s:%d: want \"event\" and \"summary\"", path, line)
		}
		refs = append(refs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("references %s: %w", path, err)
	}
	return refs, nil
}
