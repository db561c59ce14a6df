package entity_test

import (
	"fmt"

	"storyline/internal/entity"
)

func ExampleExtract() {
	es := entity.Extract("Putin Visits Syria", []string{
		"Russian President Vladimir Putin met Syrian President Bashar al-Assad in Damascus.",
		"Kremlin spokesman Dmitry Peskov said Putin and Assad discussed the situation in Idlib.",
		"Assad's forces, backed by Russian jets from the Khmeimim air base, have retaken most of Syria.",
	})
	for _, e := range es {
		fmt.Printf("%s (%s) key=%s mentions=%d aliases=%q\n", e.Name, e.Type, e.Key, e.Mentions, e.Aliases)
	}
	// Output:
	// Vladimir Putin (person) key=person:putin mentions=3 aliases=["Putin"]
	// Syria (place) key=place:siria mentions=2 aliases=[]
	// Bashar al-Assad (person) key=person:asad mentions=3 aliases=["Assad"]
	// Damascus (place) key=place:damaskus mentions=1 aliases=[]
	// Dmitry Peskov (person) key=person:piskuv mentions=1 aliases=[]
	// Idlib (place) key=place:idlib mentions=1 aliases=[]
	// Kremlin (org) key=org:krimlin mentions=1 aliases=[]
	// Khmeimim (place) key=place:hmaimim mentions=1 aliases=[]
	// Russian (other) key=other:rusia mentions=2 aliases=[]
	// Syrian (other) key=other:siria mentions=1 aliases=[]
}
