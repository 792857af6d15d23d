import { Layer, picking, project32, type Accessor, type Color, type DefaultProps, type LayerProps, type Position, type UpdateParameters } from '@deck.gl/core';
import { Model } from '@luma.gl/engine';

export interface VehicleDotsLayerProps<DataT = unknown> {
  /** Where each vehicle is going (its last reported position). */
  getPosition?: Accessor<DataT, Position>;
  /** Where it was drawn when the glide began. */
  getGlideFrom?: Accessor<DataT, Readonly<[number, number]>>;
  getFillColor?: Accessor<DataT, Color>;
  /** The ring's colour. */
  getLineColor?: Accessor<DataT, Color>;
  /** 0 → 1 over a glide; eased in the shader (web/lib/fleet-store.ts easeOut). */
  glideProgress?: number;
  radiusMeters?: number;
  radiusMinPixels?: number;
  radiusMaxPixels?: number;
  lineWidthPixels?: number;
}

type DotsUniforms = {
  progress: number;
  radiusMeters: number;
  radiusMinPixels: number;
  radiusMaxPixels: number;
  lineWidthPixels: number;
};

const uniformBlock = /* glsl */ `\
layout(std140) uniform vehicleDotsUniforms {
  float progress;
  float radiusMeters;
  float radiusMinPixels;
  float radiusMaxPixels;
  float lineWidthPixels;
} dots;
`;

const dotsUniforms = {
  name: 'vehicleDots',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { progress: 'f32', radiusMeters: 'f32', radiusMinPixels: 'f32', radiusMaxPixels: 'f32', lineWidthPixels: 'f32' },
} as const;

const vs = /* glsl */ `\
#version 300 es
#define SHADER_NAME vehicle-dots-vertex-shader
in vec3 positions;
in vec3 positions64Low;
in vec2 glideFroms;
in vec4 fillColors;
in vec4 lineColors;
out vec4 vFillColor;
out vec4 vLineColor;
out float vRadiusPixels;
void main(void) {
  float t = 1.0 - (1.0 - dots.progress) * (1.0 - dots.progress);
  vec3 position = vec3(mix(glideFroms, positions.xy, t), positions.z);
  geometry.worldPosition = position;
  geometry.pickingColor = picking_getPickingColorFromIndex(float(gl_VertexID));
  vRadiusPixels = clamp(project_size_to_pixel(dots.radiusMeters), dots.radiusMinPixels, dots.radiusMaxPixels);
  gl_PointSize = 2.0 * (vRadiusPixels + dots.lineWidthPixels * 0.5) * project.devicePixelRatio;
  gl_Position = project_position_to_clipspace(position, positions64Low, vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  vFillColor = vec4(fillColors.rgb, fillColors.a * layer.opacity);
  DECKGL_FILTER_COLOR(vFillColor, geometry);
  vLineColor = vec4(lineColors.rgb, lineColors.a * layer.opacity);
  DECKGL_FILTER_COLOR(vLineColor, geometry);
}
`;

const fs = /* glsl */ `\
#version 300 es
#define SHADER_NAME vehicle-dots-fragment-shader
precision highp float;
in vec4 vFillColor;
in vec4 vLineColor;
in float vRadiusPixels;
out vec4 fragColor;
void main(void) {
  float outer = vRadiusPixels + dots.lineWidthPixels * 0.5;
  float d = length(gl_PointCoord - 0.5) * 2.0 * outer;
  if (d > outer) discard;
  fragColor = d > outer - dots.lineWidthPixels ? vLineColor : vFillColor;
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`;

const defaultProps: DefaultProps<VehicleDotsLayerProps> = {
  getPosition: { type: 'accessor', value: (x: unknown) => x as Position },
  getGlideFrom: { type: 'accessor', value: [0, 0] },
  getFillColor: { type: 'accessor', value: [0, 0, 0, 255] },
  getLineColor: { type: 'accessor', value: [0, 0, 0, 255] },
  glideProgress: 1,
  radiusMeters: 6,
  radiusMinPixels: 4.5,
  radiusMaxPixels: 12,
  lineWidthPixels: 2,
};

/**
 * Vehicles as round dots with a ring, each one GL point (one vertex, no instancing) gliding on the
 * GPU between two positions. ScatterplotLayer draws a 4-vertex quad per instance, and instanced
 * draws are what SwiftShader — chromium's WebGL without a GPU — does slowest: its frame time grew
 * with the vehicle count, not with the dots' size (bench:map, docs/benchmarks.md). Points draw
 * the same picture for a fraction of the cost; their size is limited by the GL's point size range
 * (≥ 64 px everywhere), far above the 12 px a dot may reach.
 */
export class VehicleDotsLayer<DataT = unknown> extends Layer<Required<VehicleDotsLayerProps<DataT>> & LayerProps> {
  static override defaultProps = defaultProps;
  static override layerName = 'VehicleDotsLayer';

  declare state: { model?: Model };

  override getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, picking, dotsUniforms] });
  }

  override initializeState() {
    this.getAttributeManager()!.add({
      positions: { size: 3, type: 'float64', fp64: this.use64bitPositions(), accessor: 'getPosition' },
      glideFroms: { size: 2, accessor: 'getGlideFrom' },
      fillColors: { size: 4, type: 'unorm8', accessor: 'getFillColor', defaultValue: [0, 0, 0, 255] },
      lineColors: { size: 4, type: 'unorm8', accessor: 'getLineColor', defaultValue: [0, 0, 0, 255] },
    });
  }

  override updateState(params: UpdateParameters<this>) {
    super.updateState(params);
    if (params.changeFlags.extensionsChanged || !this.state.model) {
      this.state.model?.destroy();
      this.state.model = new Model(this.context.device, {
        ...this.getShaders(),
        id: this.props.id,
        bufferLayout: this.getAttributeManager()!.getBufferLayouts(),
        topology: 'point-list',
        isInstanced: false,
      });
      this.getAttributeManager()!.invalidateAll();
    }
  }

  override draw() {
    const { model } = this.state;
    if (!model) return;
    const { glideProgress, radiusMeters, radiusMinPixels, radiusMaxPixels, lineWidthPixels } = this.props;
    const uniforms: DotsUniforms = { progress: glideProgress, radiusMeters, radiusMinPixels, radiusMaxPixels, lineWidthPixels };
    model.shaderInputs.setProps({ vehicleDots: uniforms });
    model.setVertexCount(this.getNumInstances());
    model.draw(this.context.renderPass);
  }
}
