package main

import (
	"bufio"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"

	"github.com/spf13/cobra"

	"storyline/internal/bench"
	"storyline/internal/synth"
)

func benchCommand() *cobra.Command {
	var (
		cfg        bench.Config
		asJSON     bool
		generate   int
		out        string
		cpuProf    string
		profWindow string
		memProf    string
		memLimit   int64
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the whole pipeline on a generated stream of news (or write that stream as JSONL)",
		Long: `Measure the whole pipeline on a generated stream of news.

The stream is synthetic but shaped like news (Zipfian vocabulary and event
sizes, recurring actors, bursts, syndicated copies, dates over years) and the
same for the same --seed. Every article goes through parse, analysis,
duplicate detection, clustering, storyline linking and the store. The report
gives throughput (overall, first and last 100k articles), time per stage, peak
memory, store bytes per article, and how well the generated events were found.

--generate N --out FILE writes the same stream as JSONL with gold event labels
instead, so other tools can be run on identical input.`,
		Args: cobra.NoArgs,
	}
	config := configFlags(cmd)
	cmd.Flags().IntVar(&cfg.Articles, "articles", 1000000, "articles to generate and process")
	cmd.Flags().Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated stream")
	cmd.Flags().StringVar(&cfg.DB, "db", "", "store to write (default: a temporary SQLite file)")
	cmd.Flags().IntVar(&cfg.Batch, "batch", 1000, "articles placed and committed at a time")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().IntVar(&generate, "generate", 0, "write this many articles as JSONL instead of benchmarking")
	cmd.Flags().StringVar(&out, "out", "", "file for --generate")
	cmd.Flags().Int64Var(&memLimit, "memory-limit", 1280<<20, "soft memory limit in bytes for the Go runtime (as GOMEMLIMIT), 0 for none")
	cmd.Flags().StringVar(&cpuProf, "cpuprofile", "", "write a CPU profile (go tool pprof) to this file")
	cmd.Flags().StringVar(&profWindow, "profile-window", "all", "what --cpuprofile covers: all, or the first or last throughput window")
	cmd.Flags().StringVar(&memProf, "memprofile", "", "write a heap profile at the end to this file")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if generate > 0 {
			return writeStream(generate, cfg.Seed, out)
		}
		var err error
		if cfg.Pipeline, err = config(); err != nil {
			return err
		}
		// The profile runs while done, the articles committed, is in
		// [from, to).
		from, to := 0, cfg.Articles
		switch profWindow {
		case "all":
		case "first":
			to = bench.Window(cfg.Articles)
		case "last":
			from = cfg.Articles - bench.Window(cfg.Articles)
		default:
			return fmt.Errorf("--profile-window %q: want all, first or last", profWindow)
		}
		profiling := false
		profile := func(done int) error { return nil }
		if cpuProf != "" {
			f, err := os.Create(cpuProf)
			if err != nil {
				return err
			}
			defer f.Close()
			profile = func(done int) error {
				if !profiling && done >= from && done < to {
					profiling = true
					return pprof.StartCPUProfile(f)
				}
				if profiling && done >= to {
					profiling = false
					pprof.StopCPUProfile()
				}
				return nil
			}
			if err := profile(0); err != nil {
				return err
			}
			defer func() {
				if profiling {
					pprof.StopCPUProfile()
				}
			}()
		}
		if memLimit > 0 {
			// A deployment on a small machine runs with a memory budget;
			// without one, Go lets the heap grow to twice what is live.
			debug.SetMemoryLimit(memLimit)
		}
		bar := newProgress(cfg.Articles, asJSON)
		last := 0
		cfg.Progress = func(done int) {
			bar.add(done - last)
			last = done
			if err := profile(done); err != nil {
				slog.Warn("bench: CPU profile", "err", err)
			}
		}
		res, err := bench.Run(cmd.Context(), cfg)
		bar.wait()
		if err != nil {
			return err
		}
		if memProf != "" {
			if err := writeHeapProfile(memProf); err != nil {
				return err
			}
		}
		if asJSON {
			return writeJSON(cmd.OutOrStdout(), res)
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "articles            %d in %.1f s: %.0f articles/s\n", res.Articles, res.Seconds, res.ArticlesPerSecond)
		fmt.Fprintf(w, "throughput          first %d: %.0f art/s, last %d: %.0f art/s (%.0f%%)\n",
			res.Window, res.FirstWindowAPS, res.Window, res.LastWindowAPS, 100*res.LastWindowAPS/res.FirstWindowAPS)
		fmt.Fprintf(w, "memory              peak RSS %.0f MB, peak heap %.0f MB\n", float64(res.PeakRSSBytes)/(1<<20), float64(res.PeakHeapBytes)/(1<<20))
		fmt.Fprintf(w, "store               %.0f MB, %.0f bytes per article\n", float64(res.StoreBytes)/(1<<20), res.BytesPerArticle)
		fmt.Fprintf(w, "events              %d found, %d generated; pairwise F1 %.3f, B-cubed F1 %.3f; %d duplicates\n",
			res.Events, res.GoldEvents, res.PairwiseF1, res.BCubedF1, res.Duplicates)
		fmt.Fprintf(w, "stages (s)         ")
		for _, k := range slices.Sorted(maps.Keys(res.Stages)) {
			fmt.Fprintf(w, " %s %.1f", k, res.Stages[k])
		}
		fmt.Fprintln(w)
		return nil
	}
	return cmd
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeStream writes n generated articles as JSONL to path.
func writeStream(n int, seed uint64, path string) error {
	if path == "" {
		return fmt.Errorf("--generate needs --out FILE")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := synth.WriteJSONL(w, synth.DefaultConfig(n, seed)); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
