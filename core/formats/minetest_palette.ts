/**
 * Node colours from Goxel's built-in "Minetest" palette (`data/palettes/Minetest.gpl`, itself
 * generated from minetestmapper's colors.txt), for every mod except `stairs` (stairs and slabs
 * take the colour of their material, see mts.ts). Format per mod: `node=rrggbb` separated by
 * spaces.
 */
import { parseHex, type Rgba } from "../color.ts";

const DATA: Record<string, string> = {
  beds: "bed_bottom=820303 bed_top=b9a2a3 fancy_bed_bottom=88311c fancy_bed_top=b39994",
  bones: "bones=757575",
  carts: "brakerail=967966 powerrail=a09166 rail=92806c",
  default: "acacia_bush_leaves=6d8557 acacia_bush_sapling=55793d acacia_bush_stem=544d46 " +
    "acacia_leaves=7e9965 acacia_sapling=577840 acacia_tree=c37761 acacia_wood=963d27 " +
    "apple=a12213 aspen_leaves=48691d aspen_sapling=557b2d aspen_tree=dac6a8 " +
    "aspen_wood=d2c7aa blueberry_bush_leaves=3f6316 " +
    "blueberry_bush_leaves_with_berries=3f6316 blueberry_bush_sapling=517021 " +
    "bookshelf=836639 brick=7b635f bronzeblock=ba6f0f bush_leaves=23371d " +
    "bush_sapling=424028 bush_stem=2e2218 cactus=467734 cave_ice=a8cef7 chest=957345 " +
    "chest_locked=957345 chest_locked_open=957345 chest_open=957345 clay=b7b7b7 " +
    "cloud=ffffff coalblock=3a3a3a cobble=595654 copperblock=c17e41 coral_brown=92714d " +
    "coral_cyan=ebe6d7 coral_green=ebe6d7 coral_orange=c54411 coral_pink=ebe6d7 " +
    "coral_skeleton=ebe6d7 desert_cobble=6e4332 desert_sand=cea562 desert_sandstone=c3985c " +
    "desert_sandstone_block=c1985e desert_sandstone_brick=bf975f desert_stone=824f3d " +
    "desert_stone_block=83503d desert_stonebrick=83503d diamondblock=8cdadf dirt=61432b " +
    "dirt_with_coniferous_litter=6d5a47 dirt_with_dry_grass=bb944e dirt_with_grass=406f1a " +
    "dirt_with_grass_footsteps=406f1a dirt_with_rainforest_litter=4c270a " +
    "dirt_with_snow=e1e1ee dry_dirt=b2885a dry_dirt_with_dry_grass=bb944e " +
    "dry_grass_1=d0ac57 dry_grass_2=d2ae57 dry_grass_3=d2ae57 dry_grass_4=d3af58 " +
    "dry_grass_5=d6b25c dry_shrub=674312 emergent_jungle_sapling=332810 " +
    "fence_acacia_wood=973e27 fence_aspen_wood=d2c7aa fence_junglewood=39270e " +
    "fence_pine_wood=ddb983 fence_rail_acacia_wood=963d27 fence_rail_aspen_wood=d1c6aa " +
    "fence_rail_junglewood=38270e fence_rail_pine_wood=ddb882 fence_rail_wood=836639 " +
    "fence_wood=846739 fern_1=557633 fern_2=5a7b35 fern_3=5b7d36 furnace=656260 " +
    "furnace_active=656260 goldblock=e7cb23 grass_1=648c36 grass_2=628b37 grass_3=5e8835 " +
    "grass_4=598530 grass_5=567e30 gravel=848484 ice=a8cef7 junglegrass=436e1c " +
    "jungleleaves=161f10 junglesapling=33270f jungletree=79613e junglewood=38270e " +
    "ladder_steel=848484 ladder_wood=7d5d2b large_cactus_seedling=436b34 " +
    "lava_flowing=ff6400 lava_source=ff6400 leaves=24371d marram_grass_1=718b60 " +
    "marram_grass_2=66835a marram_grass_3=638258 mese=dede00 mese_post_light=846739 " +
    "mese_post_light_acacia_wood=973e27 mese_post_light_aspen_wood=d2c7aa " +
    "mese_post_light_junglewood=39270e mese_post_light_pine_wood=ddb983 meselamp=d5d78f " +
    "mossycobble=585b49 obsidian=15181d obsidian_block=17191e obsidianbrick=17191d " +
    "papyrus=618626 permafrost=47423d permafrost_with_moss=6c9633 " +
    "permafrost_with_stones=47423d pine_bush_needles=103213 pine_bush_sapling=3a3328 " +
    "pine_bush_stem=493e35 pine_needles=103213 pine_sapling=29301a pine_tree=bfa584 " +
    "pine_wood=ddb982 sand=d6cf9e sand_with_kelp=d6cf9e sandstone=c6c18f " +
    "sandstone_block=c3bf8e sandstonebrick=c2be8d sapling=433f29 sign_wall_steel=939393 " +
    "sign_wall_wood=946742 silver_sand=c1bfb3 silver_sandstone=c3c0b5 " +
    "silver_sandstone_block=c0beb4 silver_sandstone_brick=bfbdb3 snow=e1e1ee " +
    "snowblock=e1e1ee steelblock=c3c3c3 stone=615e5d stone_block=646160 " +
    "stone_with_coal=615e5d stone_with_copper=615e5d stone_with_diamond=615e5d " +
    "stone_with_gold=615e5d stone_with_iron=615e5d stone_with_mese=615e5d " +
    "stone_with_tin=615e5d stonebrick=666362 tinblock=969696 torch=8d7b5d " +
    "torch_ceiling=8d7b5d torch_wall=8d7b5d tree=b39163 wood=836639",
  doors: "door_glass_a=f5f5f5 door_glass_b=f5f5f5 door_glass_c=f5f5f5 door_glass_d=f5f5f5 " +
    "door_obsidian_glass_a=303132 door_obsidian_glass_b=303132 door_obsidian_glass_c=303132 " +
    "door_obsidian_glass_d=303132 door_steel_a=cbcbcb door_steel_b=cbcbcb " +
    "door_steel_c=cbcbcb door_steel_d=cbcbcb door_wood_a=594425 door_wood_b=594425 " +
    "door_wood_c=594425 door_wood_d=594425 gate_acacia_wood_closed=963d27 " +
    "gate_acacia_wood_open=963d27 gate_aspen_wood_closed=d2c7aa gate_aspen_wood_open=d2c7aa " +
    "gate_junglewood_closed=38270e gate_junglewood_open=38270e gate_pine_wood_closed=ddb982 " +
    "gate_pine_wood_open=ddb982 gate_wood_closed=836639 gate_wood_open=836639 " +
    "trapdoor=826433 trapdoor_open=44351e trapdoor_steel=c8c8c8 trapdoor_steel_open=616161",
  farming: "cotton_1=597527 cotton_2=597426 cotton_3=637929 cotton_4=6c722f cotton_5=746935 " +
    "cotton_6=795f3b cotton_7=5e4625 cotton_8=7a6c5d cotton_wild=6f6f65 " +
    "desert_sand_soil=a18448 desert_sand_soil_wet=786335 dry_soil=b2885a " +
    "dry_soil_wet=b2885a seed_cotton=5c573c seed_wheat=b1a160 soil=61432b soil_wet=61432b " +
    "straw=d4b844 wheat_1=6eaf24 wheat_2=88b135 wheat_3=a3b654 wheat_4=aabc5f " +
    "wheat_5=abb361 wheat_6=adb157 wheat_7=c1b553 wheat_8=bba228",
  fire: "basic_flame=df882c permanent_flame=df882c",
  fireflies: "firefly_bottle=bfc2ca",
  flowers: "chrysanthemum_green=76982c dandelion_white=c7bfb0 dandelion_yellow=d4a71f " +
    "geranium=4d5ba8 mushroom_brown=6d544e mushroom_red=c36666 rose=824421 tulip=9c652c " +
    "tulip_black=4e7848 viola=7345b8 waterlily=6ba044 waterlily_waving=6ba044",
  tnt: "gunpowder=0c0c0c gunpowder_burning=9c8f07 tnt=c40000 tnt_burning=c92900",
  vessels: "drinking_glass=cfd6e4 glass_bottle=bdc0cc shelf=836639 steel_bottle=c2c1c1",
  walls: "cobble=595654 desertcobble=6e4332 mossycobble=585b49",
  wool: "black=1e1e1e blue=004992 brown=582c00 cyan=00848c dark_green=216700 dark_grey=3c3c3c " +
    "green=5dda1c grey=858585 magenta=c90370 orange=d65316 pink=ff8585 red=aa1212 " +
    "violet=5d05a9 white=dcdcdc yellow=fee210",
  xpanes: "bar=727272 bar_flat=727272 door_steel_bar_a=858585 door_steel_bar_b=858585 " +
    "door_steel_bar_c=858585 door_steel_bar_d=858585 obsidian_pane=101112 " +
    "obsidian_pane_flat=101112 pane=f9f9f9 pane_flat=f9f9f9 trapdoor_steel_bar=7f7f7f " +
    "trapdoor_steel_bar_open=4d4d4d",
};

/** Lower-case node name (`default:stone`) → opaque colour. */
export const MINETEST_COLORS: ReadonlyMap<string, Rgba> = new Map(
  Object.entries(DATA).flatMap(([mod, list]) =>
    list.split(" ").map((item): [string, Rgba] => {
      const [node, hex] = item.split("=");
      return [`${mod}:${node}`, parseHex(hex)!];
    })
  ),
);
